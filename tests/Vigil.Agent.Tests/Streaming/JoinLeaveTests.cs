using Vigil.TestSupport;

namespace Vigil.Agent.Tests.Streaming;

/// <summary>
/// Viewers come and go: each leave frees its peer connection (threads, sockets) at once, and a viewer
/// that stops answering is dropped when ICE consent expires (RFC 7675: 30 s). The thousand-join run is
/// the churn benchmark (bench/Vigil.Agent.Bench); this is its short form.
/// </summary>
[Collection(LiveViewCollection.Name)]
public sealed class JoinLeaveTests
{
    private const int Joins = 40;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Joins_and_leaves_leave_no_thread_or_socket_behind_and_a_viewer_that_stops_answering_is_dropped()
    {
        await using var rig = await LiveRig.StartAsync("CAM-CHURN");
        var agent = await rig.StartAgentAsync(["--source", "testsrc", "--width", "320", "--height", "240", "--bitrate", "300"], cancellationToken: Ct);
        await using var page = await KvsViewerPage.OpenAsync(rig.Chromium);
        for (var i = 0; i < 3; i++)
        {
            await JoinAndLeaveAsync(rig, page, $"warmup-{i}");
        }

        await WaitForLeavesAsync(agent, 3);
        var before = rig.AgentResources();

        for (var i = 0; i < Joins; i++)
        {
            await JoinAndLeaveAsync(rig, page, $"churn-{i}");
        }

        await WaitForLeavesAsync(agent, 3 + Joins);
        var after = await SettledAsync(rig, before);
        TestContext.Current.TestOutputHelper!.WriteLine($"before {before}\nafter  {after}");

        Assert.True(after.Sockets <= before.Sockets, $"sockets {before.Sockets} -> {after.Sockets}");
        Assert.True(after.Threads <= before.Threads + 4, $"threads {before.Threads} -> {after.Threads}");
        // One x264 ffmpeg may be in the middle of handing over to its spare (a keyframe for a new viewer): its pipes.
        // (Before Process.StandardOutput was disposed with each ffmpeg, 40 joins left 6 pipes behind.)
        Assert.True(after.Descriptors <= before.Descriptors + 4, $"descriptors {before.Descriptors} -> {after.Descriptors}");

        // A viewer that stops answering (every datagram into its network dropped) is dropped by consent freshness.
        await page.StartAsync(await rig.PrepareViewerAsync("silent", cancellationToken: Ct));
        await page.WaitForAsync(s => s.FramesDecoded >= 10, LiveViewRig.Patience, Ct);
        await rig.Namespace.BlockUdpAsync(Ct);
        var left = await agent.WaitForLineAsync(l => l.Contains("Viewer silent: left", StringComparison.Ordinal), TimeSpan.FromSeconds(60), Ct);
        Assert.Contains("the connection failed", left, StringComparison.Ordinal);
    }

    private static async Task JoinAndLeaveAsync(LiveViewRig rig, KvsViewerPage page, string clientId)
    {
        await page.StartAsync(await rig.PrepareViewerAsync(clientId, cancellationToken: Ct));
        var stats = await page.WaitForAsync(s => s.FramesDecoded >= 1, LiveViewRig.Patience, Ct);
        Assert.True(stats.FramesDecoded >= 1, $"{clientId}: {stats}");
        await page.StopAsync();
    }

    private static Task WaitForLeavesAsync(ExternalProcess agent, int count) =>
        Server.Tests.Support.Eventually.WaitAsync(
            () => Task.FromResult(agent.Output.Split('\n').Count(l => l.Contains(": left, the viewer closed the connection", StringComparison.Ordinal)) >= count),
            LiveViewRig.Patience, $"{count} viewers to have left", Ct);

    /// <summary>The agent's resources once closing work has finished (sockets close as each session is disposed, off the event thread).</summary>
    private static async Task<AgentResources> SettledAsync(LiveViewRig rig, AgentResources before)
    {
        var now = rig.AgentResources();
        for (var i = 0; i < 20 && (now.Sockets > before.Sockets || now.Descriptors > before.Descriptors + 4); i++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(250), Ct);
            now = rig.AgentResources();
        }

        return now;
    }
}
