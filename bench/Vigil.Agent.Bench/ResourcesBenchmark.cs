using System.Globalization;
using Vigil.TestSupport;

namespace Vigil.Agent.Bench;

/// <summary>
/// The agent's resident memory and CPU with 1 viewer and with 10 (the channel's limit), testsrc at
/// 1280x720, 30 fps, 2000 kbit/s. The encoder (x264) and the test picture run in ffmpeg child processes,
/// so the agent's own CPU is the signaling, the raw-picture hand-over to the encoder, the GOP cache and
/// one WebRTC sender per viewer; the growth from 1 to 10 viewers, divided by 9, is the cost of a viewer.
/// Viewers receive without decoding (no video element), so that ten decoders do not starve the 2-core
/// machine; Chromium still acknowledges, reports and asks for keyframes as usual.
/// </summary>
internal static class ResourcesBenchmark
{
    public static async Task RunAsync(int seconds, int warmup)
    {
        await using var rig = await LiveViewRig.StartAsync("CAM-BENCH-RES");
        await rig.StartAgentAsync(["--source", "testsrc"]);
        await rig.Agent!.WaitForLineAsync(l => l.Contains(": streaming", StringComparison.Ordinal), LiveViewRig.Patience);
        var pages = new List<KvsViewerPage>();
        try
        {
            Console.WriteLine("| viewers | agent RSS | agent CPU (% of one core) | threads | sockets | packets received by the last viewer | load |");
            Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|");
            var none = await MeasureAsync(rig, pages, seconds, warmup);
            Report(0, none);
            var results = new Dictionary<int, (AgentResources End, double Cpu, long Packets)>();
            foreach (var count in new[] { 1, 10 })
            {
                while (pages.Count < count)
                {
                    var page = await KvsViewerPage.OpenAsync(rig.Chromium);
                    await page.StartAsync(await rig.PrepareViewerAsync($"bench-{pages.Count}"), render: false);
                    pages.Add(page);
                    await page.WaitForAsync(s => s.PacketsReceived > 100, LiveViewRig.Patience, CancellationToken.None);
                }

                results[count] = await MeasureAsync(rig, pages, seconds, warmup);
                Report(count, results[count]);
            }

            var perViewer = (results[10].Cpu - results[1].Cpu) / 9;
            Console.WriteLine();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"CPU per additional viewer: {perViewer:0.00} % of one core; RSS per additional viewer: {(results[10].End.ResidentKilobytes - results[1].End.ResidentKilobytes) / 9.0 / 1024:0.0} MiB"));
        }
        finally
        {
            foreach (var page in pages)
            {
                await page.DisposeAsync();
            }
        }
    }

    private static void Report(int viewers, (AgentResources End, double Cpu, long Packets) result) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {viewers} | {result.End.ResidentKilobytes / 1024.0:0.0} MiB | {result.Cpu:0.00} % | {result.End.Threads} | {result.End.Sockets} | {result.Packets} | {Machine.Load()} |"));

    private static async Task<(AgentResources End, double Cpu, long Packets)> MeasureAsync(LiveViewRig rig, List<KvsViewerPage> pages, int seconds, int warmup)
    {
        await Task.Delay(TimeSpan.FromSeconds(warmup));
        var before = rig.AgentResources();
        var started = TimeProvider.System.GetTimestamp();
        await Task.Delay(TimeSpan.FromSeconds(seconds));
        var after = rig.AgentResources();
        var wall = TimeProvider.System.GetElapsedTime(started);
        var packets = pages.Count == 0 ? 0 : (await pages[^1].StatsAsync()).PacketsReceived;
        return (after, (after.CpuTime - before.CpuTime) / wall * 100, packets);
    }
}
