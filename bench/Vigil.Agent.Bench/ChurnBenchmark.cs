using System.Globalization;
using Vigil.TestSupport;

namespace Vigil.Agent.Bench;

/// <summary>
/// Many joins and leaves: each viewer connects, gets its first frames, and closes (pc.close() sends DTLS
/// close_notify, so the agent sees it leave at once). The agent's threads, sockets, descriptors and memory
/// are read before and after, once its closing work has settled: a leak shows as growth with the count.
/// </summary>
internal static class ChurnBenchmark
{
    public static async Task RunAsync(int joins)
    {
        await using var rig = await LiveViewRig.StartAsync("CAM-BENCH-CHURN");
        await rig.StartAgentAsync(["--source", "testsrc", "--width", "640", "--height", "360", "--bitrate", "800"]);
        await rig.Agent!.WaitForLineAsync(l => l.Contains(": streaming", StringComparison.Ordinal), LiveViewRig.Patience);
        await using var page = await KvsViewerPage.OpenAsync(rig.Chromium);
        await JoinAndLeaveAsync(rig, page, "warmup");
        await Task.Delay(TimeSpan.FromSeconds(5));
        var before = rig.AgentResources();
        Console.WriteLine($"before: {before}");
        for (var i = 0; i < joins; i++)
        {
            await JoinAndLeaveAsync(rig, page, $"churn-{i}");
            if ((i + 1) % 100 == 0)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"after {i + 1,4} joins: {rig.AgentResources()}"));
            }
        }

        await Task.Delay(TimeSpan.FromSeconds(10));
        var after = rig.AgentResources();
        Console.WriteLine($"after:  {after}");
        Console.WriteLine();
        Console.WriteLine("| joins and leaves | threads | sockets | descriptors | RSS |");
        Console.WriteLine("|---:|---|---|---|---|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {joins} | {before.Threads} → {after.Threads} | {before.Sockets} → {after.Sockets} | {before.Descriptors} → {after.Descriptors} | {before.ResidentKilobytes / 1024.0:0.0} → {after.ResidentKilobytes / 1024.0:0.0} MiB |"));
    }

    private static async Task JoinAndLeaveAsync(LiveViewRig rig, KvsViewerPage page, string clientId)
    {
        await page.StartAsync(await rig.PrepareViewerAsync(clientId));
        var stats = await page.WaitForAsync(s => s.FramesDecoded >= 3, TimeSpan.FromSeconds(20), CancellationToken.None);
        if (stats.FramesDecoded < 3)
        {
            throw new InvalidOperationException($"{clientId} decoded nothing: {stats}\n{string.Join(" | ", (await page.TimesAsync()).Log)}");
        }

        await page.StopAsync();
    }
}
