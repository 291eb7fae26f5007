using Microsoft.Extensions.Logging;
using Vigil.TestSupport;
using Vigil.WebRtc.Ice;

namespace Vigil.WebRtc.Tests.Interop;

/// The sender against real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright),
/// each test in its own network namespace joined by a veth pair: Chromium gathers no candidates
/// on a loopback-only host, and all traffic stays inside what the test created.
[Collection(InteropCollection.Name)]
public sealed class ChromiumInteropTests
{
    private static readonly H264ClipOptions Clip = new(Width: 320, Height: 240, FramesPerSecond: 30, Seconds: 4, GopFrames: 30, BitrateKbps: 400);

    [Fact]
    public async Task Host_candidates_with_raw_ips_stream_h264_that_chromium_decodes()
    {
        var ct = TestContext.Current.CancellationToken;
        var clip = await H264Clip.GenerateAsync(Clip, cancellationToken: ct);
        await using var ns = await NetworkNamespace.CreateAsync(ct);
        await using var chromium = await HeadlessChromium.LaunchAsync(new ChromiumOptions(ns, HideLocalIpsWithMdns: false));
        using var logs = new TestLoggerFactory(TestContext.Current.TestOutputHelper!, LogLevel.Debug);
        await using var camera = new WebRtcPeerConnection(new WebRtcSettings { BindAddresses = [ns.HostAddress], LoggerFactory = logs });
        var track = camera.AddVideoTrack();

        await using var viewer = await ChromiumViewer.ConnectAsync(chromium, camera, new { }, ct);
        await using var pump = new MediaPump(track, clip, Clip.FramesPerSecond);
        var stats = await viewer.WaitForAsync(s => s.FramesDecoded >= 100, TimeSpan.FromSeconds(40), ct);
        TestContext.Current.TestOutputHelper!.WriteLine("browser: " + stats);
        TestContext.Current.TestOutputHelper!.WriteLine("camera: " + camera.GetStats());

        Assert.True(stats.FramesDecoded >= 100, stats.ToString());
        Assert.True(stats.KeyFramesDecoded >= 1);
        Assert.Equal((320, 240), (stats.FrameWidth, stats.FrameHeight));
        Assert.Equal("video/H264", stats.MimeType);
        Assert.Contains("packetization-mode=1", stats.SdpFmtpLine, StringComparison.Ordinal);
        Assert.Equal("connected", stats.DtlsState);
        Assert.Equal("server", stats.DtlsRole);
        Assert.Equal("SRTP_AES128_CM_HMAC_SHA1_80", stats.SrtpCipher);
        Assert.Equal("FEFD", stats.TlsVersion);
        Assert.Equal("succeeded", stats.PairState);
        Assert.True(stats.PairNominated);
        Assert.Equal("host", stats.LocalCandidateType);
        Assert.Equal("host", stats.RemoteCandidateType);
        var ours = camera.GetStats();
        Assert.Equal(PeerConnectionState.Connected, ours.State);
        Assert.Equal(IceCandidateType.Host, ours.SelectedLocalCandidateType);
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class InteropCollection
{
    public const string Name = "Chromium interop (serial: 2 cores)";
}
