using System.Net;
using Vigil.Agent.Media;
using Vigil.Server.Tests.Support;
using Vigil.WebRtc;

namespace Vigil.Agent.Tests;

/// <summary>How <c>vigil-agent run</c> reads its streaming settings: command line over agent.json over defaults, each problem one line.</summary>
public sealed class StreamSettingsTests
{
    private static AgentBundle Bundle(TempDirectory directory, string extra = "")
    {
        var path = directory.File("agent.json");
        File.WriteAllText(path, $$"""
            {
              "version": 1,
              "mqtt": { "host": "vigil.lan", "port": 8883 },
              "credentialsProvider": { "url": "https://vigil.lan:8444", "roleAlias": "VigilCameraRoleAlias" },
              "httpsBaseUrl": "https://vigil.lan:8443",
              "provisioningTemplate": "VigilCameraTemplate",
              "region": "us-east-1"{{extra}}
            }
            """);
        return AgentBundle.Load(path);
    }

    [Fact]
    public void Without_settings_it_streams_the_test_picture_at_720p30_2_mbit_with_an_8_mib_gop_cache_to_10_viewers()
    {
        using var directory = new TempDirectory("settings");
        var settings = StreamSettings.Resolve(Bundle(directory), new StreamSettings.Overrides());

        Assert.Equal(SourceKind.TestPattern, settings.Source.Kind);
        Assert.Equal((1280, 720, 30, 2000), (settings.Width, settings.Height, settings.FrameRate, settings.BitrateKbps));
        Assert.Equal((8L * 1024 * 1024, 10, TimeSpan.FromSeconds(10)), (settings.GopCacheBytes, settings.MaxViewers, settings.StallTimeout));
        Assert.Empty(settings.BindAddresses);
        Assert.Equal(IceTransportPolicy.All, settings.IceTransportPolicy);
    }

    [Fact]
    public void Agent_json_sets_them_and_the_command_line_wins()
    {
        using var directory = new TempDirectory("settings");
        var bundle = Bundle(directory, """
            ,
              "source": "file:clips/door.mp4",
              "stream": { "width": 640, "height": 360, "bitrateKbps": 800, "maxViewers": 4, "bindAddresses": ["192.0.2.7"], "iceTransportPolicy": "relay", "stallSeconds": 3 }
            """);

        var fromFile = StreamSettings.Resolve(bundle, new StreamSettings.Overrides());
        Assert.Equal((SourceKind.File, Path.Combine(directory.Path, "clips", "door.mp4")), (fromFile.Source.Kind, fromFile.Source.Location));
        Assert.Equal((640, 360, 800, 4), (fromFile.Width, fromFile.Height, fromFile.BitrateKbps, fromFile.MaxViewers));
        Assert.Equal([IPAddress.Parse("192.0.2.7")], fromFile.BindAddresses);
        Assert.Equal((IceTransportPolicy.Relay, TimeSpan.FromSeconds(3)), (fromFile.IceTransportPolicy, fromFile.StallTimeout));

        var fromCommandLine = StreamSettings.Resolve(bundle, new StreamSettings.Overrides(Source: "testsrc", Width: 320, Height: 240, BindAddresses: ["198.51.100.1"]));
        Assert.Equal((SourceKind.TestPattern, 320, 240, 800), (fromCommandLine.Source.Kind, fromCommandLine.Width, fromCommandLine.Height, fromCommandLine.BitrateKbps));
        Assert.Equal([IPAddress.Parse("198.51.100.1")], fromCommandLine.BindAddresses);
    }

    [Theory]
    [InlineData("--width 1281: must be an even number from 16 to 3840", 1281, null, null)]
    [InlineData("--height 0: must be an even number from 16 to 2160", null, 0, null)]
    [InlineData("--fps 120: must be a number from 1 to 60", null, null, 120)]
    public void An_option_out_of_range_is_one_line_naming_it(string message, int? width, int? height, int? fps)
    {
        using var directory = new TempDirectory("settings");

        var error = Assert.Throws<AgentException>(() => StreamSettings.Resolve(Bundle(directory), new StreamSettings.Overrides(Width: width, Height: height, FrameRate: fps)));
        Assert.Equal(message, error.Message);
    }

    [Theory]
    [InlineData("""{ "gopCacheMegabytes": 0 }""", "stream.gopCacheMegabytes 0: must be a number from 1 to 256")]
    [InlineData("""{ "keyframeSeconds": 0.1 }""", "stream.keyframeSeconds 0.1: must be a number from 0.5 to 60")]
    [InlineData("""{ "iceTransportPolicy": "p2p" }""", "stream.iceTransportPolicy 'p2p': use all or relay")]
    [InlineData("""{ "bindAddresses": ["eth0"] }""", "stream.bindAddresses eth0: not an IP address")]
    public void A_bad_value_in_agent_json_is_one_line_naming_the_key(string stream, string message)
    {
        using var directory = new TempDirectory("settings");

        var error = Assert.Throws<AgentException>(() => StreamSettings.Resolve(Bundle(directory, ",\n\"stream\": " + stream), new StreamSettings.Overrides()));
        Assert.Equal(message, error.Message);
    }
}
