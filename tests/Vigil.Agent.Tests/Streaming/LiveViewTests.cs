using Vigil.TestSupport;

namespace Vigil.Agent.Tests.Streaming;

/// <summary>
/// <c>vigil serve</c> + <c>vigil-agent run</c> + viewers we did not write: the KVS WebRTC JS SDK's browser
/// bundle as VIEWER in headless Chromium, in a network namespace. Chromium must decode what the camera sends.
/// </summary>
[Collection(LiveViewCollection.Name)]
public sealed class LiveViewTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Testsrc_is_decoded_by_a_kvs_sdk_viewer_in_chromium()
    {
        await using var rig = await CameraRig.StartAsync("CAM-LIVE-1");
        var agent = await rig.StartAgentAsync(["--source", "testsrc", "--width", "640", "--height", "360"]);

        await using var viewer = await rig.JoinAsync("viewer-one");
        var stats = await viewer.WaitForAsync(s => s.FramesDecoded >= 100, CameraRig.Patience, Ct);
        var times = await viewer.TimesAsync();
        Report(rig, stats, times);

        AssertDecodedH264(stats, 640, 360);
        Assert.NotNull(times.FirstFrame);
        await agent.WaitForLineAsync(l => l.Contains("Viewer viewer-one: connected", StringComparison.Ordinal), CameraRig.Patience, Ct);
    }

    internal static void AssertDecodedH264(WebRtcViewerStats stats, int width, int height, long frames = 100)
    {
        Assert.True(stats.FramesDecoded >= frames, stats.ToString());
        Assert.True(stats.KeyFramesDecoded >= 1, stats.ToString());
        Assert.Equal((width, height), (stats.FrameWidth, stats.FrameHeight));
        Assert.Equal("video/H264", stats.MimeType);
        Assert.Contains("packetization-mode=1", stats.SdpFmtpLine, StringComparison.Ordinal);
        Assert.Equal("connected", stats.DtlsState);
        Assert.Equal("succeeded", stats.PairState);
    }

    internal static void Report(CameraRig rig, WebRtcViewerStats stats, KvsViewerTimes? times = null)
    {
        var output = TestContext.Current.TestOutputHelper!;
        output.WriteLine("browser: " + stats);
        if (times is not null)
        {
            output.WriteLine($"page: open {times.Open:0} ms, answer {times.Answer:0} ms, first frame {times.FirstFrame:0} ms, shown {times.FramesShown}; {string.Join(" | ", times.Log)}");
        }

        output.WriteLine("agent:\n" + rig.Agent?.Output);
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LiveViewCollection
{
    public const string Name = "Live view with Chromium (serial: 2 cores)";
}
