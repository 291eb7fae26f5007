using Vigil.TestSupport;

namespace Vigil.Agent.Tests.Streaming;

/// <summary>
/// <c>vigil serve</c> + <c>vigil-agent run</c> + viewers we did not write: the KVS WebRTC JS SDK's browser
/// bundle as VIEWER in headless Chromium, in a network namespace. Chromium must decode what the camera sends.
/// </summary>
[Collection(LiveViewCollection.Name)]
[Trait(TestSchedule.Trait, TestSchedule.Alone)]
public sealed class LiveViewTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Each viewer decodes at least 100 frames of testsrc; one source serves them all.</summary>
    [Fact]
    public async Task Three_viewers_at_once_decode_the_one_source()
    {
        await using var rig = await LiveRig.StartAsync("CAM-LIVE-3");
        var agent = await rig.StartAgentAsync(["--source", "testsrc", "--width", "320", "--height", "240", "--bitrate", "500"], cancellationToken: Ct);

        await using var first = await rig.JoinAsync("viewer-a", cancellationToken: Ct);
        await using var second = await rig.JoinAsync("viewer-b", cancellationToken: Ct);
        await using var third = await rig.JoinAsync("viewer-c", cancellationToken: Ct);
        var viewers = new[] { first, second, third };
        var stats = await Task.WhenAll(viewers.Select(v => v.WaitForAsync(s => s.FramesDecoded >= 100, LiveViewRig.Patience, Ct)));
        foreach (var each in stats)
        {
            Report(each);
        }

        Assert.All(stats, s => AssertDecodedH264(s, 320, 240));
        // One source for all: one capture ffmpeg however many viewers (plus the encoder and its spare).
        Assert.Single(agent.Output.Split('\n'), l => l.Contains("Source testsrc: streaming", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Relay_only_through_coturn_on_both_sides()
    {
        await using var rig = await LiveRig.StartAsync("CAM-LIVE-RELAY", turn: true);
        await rig.StartAgentAsync(["--source", "testsrc", "--width", "320", "--height", "240", "--bitrate", "500", "--relay-only"], cancellationToken: Ct);

        await using var viewer = await rig.JoinAsync("viewer-relay", iceTransportPolicy: "relay", cancellationToken: Ct);
        var stats = await viewer.WaitForAsync(s => s.FramesDecoded >= 100, LiveViewRig.Patience, Ct);
        Report(stats, await viewer.TimesAsync());

        AssertDecodedH264(stats, 320, 240);
        Assert.Equal(("relay", "relay"), (stats.LocalCandidateType, stats.RemoteCandidateType));
        Assert.Contains("Viewer viewer-relay: connected", rig.Agent!.Output, StringComparison.Ordinal);
        Assert.Contains("(Relay to Relay)", rig.Agent.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task After_a_server_restart_the_agent_is_master_again_and_a_new_viewer_decodes_within_10_s()
    {
        await using var rig = await LiveRig.StartAsync("CAM-LIVE-RESTART");
        var agent = await rig.StartAgentAsync(["--source", "testsrc", "--width", "320", "--height", "240", "--bitrate", "500"], cancellationToken: Ct);
        await using (var before = await rig.JoinAsync("viewer-before", cancellationToken: Ct))
        {
            AssertDecodedH264(await before.WaitForAsync(s => s.FramesDecoded >= 30, LiveViewRig.Patience, Ct), 320, 240, frames: 30);

            await rig.RestartServerAsync(Ct);
            var ready = TimeProvider.System.GetTimestamp();
            // The viewer joined before the restart keeps its picture: the media never went through the server.
            var still = await before.StatsAsync();
            AssertDecodedH264(await before.WaitForAsync(s => s.FramesDecoded >= still.FramesDecoded + 30, LiveViewRig.Patience, Ct), 320, 240, frames: 30);

            // No manual step: the agent reconnects by itself; a new viewer decodes within 10 s of the server being back.
            await Eventually.WaitAsync(
                () => Task.FromResult(agent.Output.Split('\n').Count(l => l.Contains("connected as master of channel", StringComparison.Ordinal)) >= 2),
                TimeSpan.FromSeconds(10), "the agent master again", Ct);
            await using var after = await rig.JoinAsync("viewer-after", cancellationToken: Ct);
            var stats = await after.WaitForAsync(s => s.FramesDecoded >= 1, TimeSpan.FromSeconds(10), Ct);
            var elapsed = TimeProvider.System.GetElapsedTime(ready);
            Report(stats, await after.TimesAsync());
            Assert.True(stats.FramesDecoded >= 1 && elapsed < TimeSpan.FromSeconds(10), $"first frame {elapsed.TotalSeconds:0.0} s after the server was back: {stats}");
        }
    }

    /// <summary>A 2-second clip played in a loop: more than 100 frames decoded means it looped, and kept decoding across the loop.</summary>
    [Fact]
    public async Task A_file_source_loops_an_mp4_and_a_raw_h264_stream_without_re_encoding()
    {
        var elementary = await H264Clip.GenerateAsync(new H264ClipOptions(Width: 320, Height: 240, FramesPerSecond: 30, Seconds: 2, GopFrames: 30), cancellationToken: Ct);
        var mp4 = Path.ChangeExtension(elementary, ".mp4");
        await ExternalProcess.RunCheckedAsync(RequiredTool.Find("ffmpeg", "ffmpeg"),
            ["-hide_banner", "-loglevel", "error", "-y", "-framerate", "30", "-i", elementary, "-c:v", "copy", mp4], TimeSpan.FromMinutes(1), Ct);
        await using var rig = await LiveRig.StartAsync("CAM-LIVE-FILE");

        foreach (var (file, viewerId) in new[] { (mp4, "viewer-mp4"), (elementary, "viewer-h264") })
        {
            var agent = await rig.StartAgentAsync(["--source", "file:" + file, "--fps", "30"], cancellationToken: Ct);
            await using var viewer = await rig.JoinAsync(viewerId, cancellationToken: Ct);
            var stats = await viewer.WaitForAsync(s => s.FramesDecoded >= 100, LiveViewRig.Patience, Ct);
            Report(stats, await viewer.TimesAsync());
            AssertDecodedH264(stats, 320, 240);
            Assert.DoesNotContain("fail:", agent.Output, StringComparison.Ordinal);
            agent.Terminate();
            Assert.Equal(0, await agent.WaitForExitAsync(LiveViewRig.Patience, Ct));
        }
    }

    internal static void AssertDecodedH264(WebRtcViewerStats stats, int width, int height, long frames = 100)
    {
        Assert.True(stats.FramesDecoded >= frames, stats.ToString());
        Assert.True(stats.KeyFramesDecoded >= 1, stats.ToString());
        Assert.Equal((width, height), (stats.FrameWidth, stats.FrameHeight));
        Assert.Equal("video/H264", stats.MimeType);
        Assert.Contains("packetization-mode=1", stats.SdpFmtpLine, StringComparison.Ordinal);
        Assert.Equal("connected", stats.DtlsState);
        Assert.True(stats.PairNominatedAndChecked, stats.ToString());
    }

    internal static void Report(WebRtcViewerStats stats, KvsViewerTimes? times = null)
    {
        var output = TestContext.Current.TestOutputHelper!;
        output.WriteLine("browser: " + stats);
        if (times is not null)
        {
            output.WriteLine($"page: open {times.Open:0} ms, answer {times.Answer:0} ms, first frame {times.FirstFrame:0} ms, shown {times.FramesShown}; {string.Join(" | ", times.Log)}");
        }
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LiveViewCollection
{
    public const string Name = "Live view with Chromium (serial: 2 cores)";
}
