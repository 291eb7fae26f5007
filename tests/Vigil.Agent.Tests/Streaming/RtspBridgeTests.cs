using System.Text.RegularExpressions;
using Vigil.TestSupport;

namespace Vigil.Agent.Tests.Streaming;

/// <summary>
/// The RTSP bridge against a real RTSP camera on loopback (GStreamer's RTSP server, H.264 with a keyframe
/// every 4 s): viewers get a picture at once from the GOP cache, and a camera that stalls is restarted
/// while viewers keep their connections.
/// </summary>
[Collection(LiveViewCollection.Name)]
[Trait(TestSchedule.Trait, TestSchedule.Alone)]
public sealed partial class RtspBridgeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_viewer_joining_an_rtsp_camera_with_a_4_s_gop_sees_a_frame_without_waiting_for_its_next_keyframe()
    {
        await using var camera = await RtspTestServer.StartAsync(gopSeconds: 4, width: 640, height: 360, cancellationToken: Ct);
        await using var rig = await LiveRig.StartAsync("CAM-RTSP-1");
        var agent = await rig.StartAgentAsync(["--source", camera.Url], cancellationToken: Ct);
        await agent.WaitForLineAsync(l => l.Contains("streaming", StringComparison.Ordinal) && l.Contains("Source rtsp://", StringComparison.Ordinal), LiveViewRig.Patience, Ct);

        // One join first, not measured: the agent's first viewer pays for compiling the WebRTC and DTLS
        // code (up to a second on a busy machine), which is not what this test is about.
        await using (var warmup = await rig.JoinAsync("viewer-warmup", cancellationToken: Ct))
        {
            await warmup.WaitForAsync(s => s.FramesDecoded >= 1, LiveViewRig.Patience, Ct);
            await warmup.StopAsync();
        }

        // Three joins at different points of the 4-second GOP. Waiting for the camera's next keyframe
        // would take 2 s on average and up to 4 s; from the cache the first frame comes at once.
        var firstFrames = new List<double>();
        for (var i = 0; i < 3; i++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(1300), Ct);
            await using var viewer = await rig.JoinAsync($"viewer-{i}", cancellationToken: Ct);
            var stats = await viewer.WaitForAsync(s => s.FramesDecoded >= 30, LiveViewRig.Patience, Ct);
            var times = await viewer.TimesAsync();
            LiveViewTests.Report(stats, times);
            LiveViewTests.AssertDecodedH264(stats, 640, 360, frames: 30);
            Assert.True(times.FirstFrame is not null, $"the page decoded {stats.FramesDecoded} frames but showed none (requestVideoFrameCallback never ran): {string.Join(" | ", times.Log)}");
            firstFrames.Add(times.FirstFrame.Value);
            await viewer.StopAsync();
        }

        TestContext.Current.TestOutputHelper!.WriteLine("first frames after the click (ms): " + string.Join(", ", firstFrames.Select(f => f.ToString("0", System.Globalization.CultureInfo.InvariantCulture))));
        Assert.All(firstFrames, f => Assert.True(f < 2000, $"a first frame took {f:0} ms: it waited for a keyframe"));
        // The cache held more than the keyframe: the joins fell inside GOPs, and were served from them.
        var cached = CachedFrames().Matches(agent.Output).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(4, cached.Count);
        Assert.True(cached.Skip(1).Count(c => c > 1) >= 2, "cached GOP sizes: " + string.Join(", ", cached));
    }

    [Fact]
    public async Task A_camera_that_stalls_is_restarted_and_the_viewer_keeps_its_connection_and_picture()
    {
        await using var camera = await RtspTestServer.StartAsync(gopSeconds: 1, width: 320, height: 240, bitrateKbps: 400, cancellationToken: Ct);
        await using var rig = await LiveRig.StartAsync("CAM-RTSP-STALL");
        var agent = await rig.StartAgentAsync(["--source", camera.Url, "--stall-timeout", "2"], cancellationToken: Ct);
        await using var viewer = await rig.JoinAsync("viewer-stall", cancellationToken: Ct);
        var before = await viewer.WaitForAsync(s => s.FramesDecoded >= 30, LiveViewRig.Patience, Ct);
        LiveViewTests.AssertDecodedH264(before, 320, 240, frames: 30);

        await camera.PauseAsync();
        var stalled = await agent.WaitForLineAsync(l => l.Contains("(the source stalled); retrying in", StringComparison.Ordinal), LiveViewRig.Patience, Ct);
        await camera.ResumeAsync();

        var paused = await viewer.StatsAsync();
        var after = await viewer.WaitForAsync(s => s.FramesDecoded >= paused.FramesDecoded + 60, LiveViewRig.Patience, Ct);
        LiveViewTests.Report(after, await viewer.TimesAsync());
        Assert.StartsWith("fail: SourceRunner: Source rtsp://127.0.0.1:", stalled, StringComparison.Ordinal);
        Assert.True(after.FramesDecoded >= paused.FramesDecoded + 60, $"the picture did not come back: {after}");
        Assert.Equal("connected", after.ConnectionState);
        Assert.DoesNotContain("viewer-stall: left", agent.Output, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"sending the cached GOP \((\d+) frames\)")]
    private static partial Regex CachedFrames();
}
