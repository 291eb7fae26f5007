using System.Globalization;
using System.Security.Cryptography;
using Vigil.TestSupport;

namespace Vigil.Agent.Bench;

/// <summary>
/// Time to first frame: from the viewer's click (the KVS SDK's signaling client is created and opened;
/// the control-plane calls were made before, as a page does when it loads) to the first frame Chromium
/// shows (<c>requestVideoFrameCallback</c>), over many joins at random points of the source's GOP.
/// Each join is a new page (a new tab), closed after its first frames.
/// </summary>
internal static class FirstFrameBenchmark
{
    public static async Task RunAsync(string source, int joins)
    {
        await using var camera = source == "rtsp" ? await RtspTestServer.StartAsync(gopSeconds: 4, width: 1280, height: 720, bitrateKbps: 2000) : null;
        await using var rig = await LiveViewRig.StartAsync("CAM-BENCH-TTFF");
        var agentSource = camera?.Url ?? "testsrc";
        await rig.StartAgentAsync(["--source", agentSource]);
        await rig.Agent!.WaitForLineAsync(l => l.Contains(": streaming", StringComparison.Ordinal), LiveViewRig.Patience);
        Console.WriteLine($"source: {(camera is null ? "testsrc 1280x720 30 fps 2000 kbit/s, keyframe every 2 s" : "RTSP camera (GStreamer) 1280x720 30 fps 2000 kbit/s, keyframe every 4 s")}; {joins} joins");

        var firstFrames = new List<double>();
        var opens = new List<double>();
        var answers = new List<double>();
        for (var i = 0; i < joins; i++)
        {
            // Land at a random point of the GOP.
            await Task.Delay(TimeSpan.FromMilliseconds(RandomNumberGenerator.GetInt32(200, 1500)));
            var config = await rig.PrepareViewerAsync($"bench-{i}");
            await using var page = await KvsViewerPage.OpenAsync(rig.Chromium);
            await page.StartAsync(config);
            var started = TimeProvider.System.GetTimestamp();
            KvsViewerTimes times;
            do
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50));
                times = await page.TimesAsync();
            }
            while (times.FirstFrame is null && TimeProvider.System.GetElapsedTime(started) < TimeSpan.FromSeconds(15));

            if (times.FirstFrame is not { } first)
            {
                throw new InvalidOperationException($"join {i}: no frame within 15 s: {string.Join(" | ", times.Log)}\n{rig.Agent.Output}");
            }

            firstFrames.Add(first);
            opens.Add(times.Open ?? double.NaN);
            answers.Add(times.Answer ?? double.NaN);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"join {i + 1,2}: socket open {times.Open,4:0} ms, answer {times.Answer,4:0} ms, first frame {first,4:0} ms"));
            await page.StopAsync();
        }

        Console.WriteLine();
        Console.WriteLine("agent, on its side of each join:");
        foreach (var line in rig.Agent.Output.Split('\n').Where(l => l.Contains("offer answered", StringComparison.Ordinal) || l.Contains(": connected ", StringComparison.Ordinal)))
        {
            Console.WriteLine("  " + line);
        }

        Console.WriteLine("| source | joins | first frame p50 | p95 | min | max | socket open p50 | answer p50 | load |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        Console.WriteLine($"| {source} | {joins} | **{Machine.Ms(Machine.Percentile(firstFrames, 50))} ms** | **{Machine.Ms(Machine.Percentile(firstFrames, 95))} ms** | " +
            $"{Machine.Ms(firstFrames.Min())} ms | {Machine.Ms(firstFrames.Max())} ms | {Machine.Ms(Machine.Percentile(opens, 50))} ms | {Machine.Ms(Machine.Percentile(answers, 50))} ms | {Machine.Load()} |");
    }
}
