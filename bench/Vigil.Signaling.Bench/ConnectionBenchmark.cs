using System.Diagnostics;
using System.Globalization;

namespace Vigil.Signaling.Bench;

/// <summary>
/// Opens <c>connections</c> signaling WebSockets (1 master + 9 viewers per channel) against one server
/// process, holds them, checks every channel still relays, and reports the server's resident memory.
/// </summary>
internal static class ConnectionBenchmark
{
    public const int PerChannel = 10;

    public static async Task<ConnectionResult> RunAsync(int connections, int parallelism)
    {
        await using var server = await VigilServerProcess.StartAsync(new Dictionary<string, string>
        {
            ["Signaling:MaxChannels"] = "100000",
        });
        var channels = (connections + PerChannel - 1) / PerChannel;
        using var kvs = server.CreateKvsClient(server.Admin);
        var arns = new string[channels];
        await Parallel.ForAsync(0, channels, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
            arns[i] = await server.CreateChannelAsync(kvs, $"bench-{i:D5}"));

        GC.Collect();
        var baseline = server.Memory();
        var sockets = new BenchSocket[channels * PerChannel];
        var clock = Stopwatch.StartNew();
        var failures = 0;
        await Parallel.ForAsync(0, Math.Min(connections, sockets.Length), new ParallelOptions { MaxDegreeOfParallelism = parallelism }, async (n, ct) =>
        {
            var channel = n / PerChannel;
            var slot = n % PerChannel;
            try
            {
                sockets[n] = await BenchSocket.ConnectAsync(server, server.Admin, arns[channel], slot == 0 ? null : $"viewer-{slot}", ct);
            }
            catch (Exception e) when (e is System.Net.WebSockets.WebSocketException or HttpRequestException or IOException)
            {
                Interlocked.Increment(ref failures);
            }
        });
        var connectTime = clock.Elapsed;
        var open = sockets.Count(s => s is { State: System.Net.WebSockets.WebSocketState.Open });
        var held = server.Memory();

        // Every channel must still relay: viewer-1 sends a candidate, its master must get it.
        using var stop = new CancellationTokenSource();
        var received = 0;
        var loops = new List<Task>();
        for (var c = 0; c < channels; c++)
        {
            if (sockets[c * PerChannel] is { } master)
            {
                loops.Add(master.ReceiveLoopAsync(_ => Interlocked.Increment(ref received), stop.Token));
            }
        }

        var sent = 0;
        for (var c = 0; c < channels; c++)
        {
            if (sockets[(c * PerChannel) + 1] is { } viewer)
            {
                await viewer.SendAsync("""{"action":"ICE_CANDIDATE","messagePayload":"eyJjYW5kaWRhdGUiOiIifQ=="}""", CancellationToken.None);
                sent++;
            }
        }

        var deadline = Stopwatch.StartNew();
        while (Volatile.Read(ref received) < sent && deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(100);
        }

        var relayed = Volatile.Read(ref received);
        await stop.CancelAsync();
        await Task.WhenAll(loops);
        await Parallel.ForEachAsync(sockets.Where(s => s is not null), new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (s, _) => await s.DisposeAsync());
        return new ConnectionResult(connections, open, failures, connectTime, baseline.RssKiB, held.RssKiB, held.PeakKiB, sent, relayed);
    }
}

internal sealed record ConnectionResult(int Wanted, int Open, int Failed, TimeSpan ConnectTime, long BaselineKiB, long HeldKiB, long PeakKiB, int ProbesSent, int ProbesRelayed)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Open}/{Wanted} open ({Failed} failed) in {ConnectTime.TotalSeconds:F1} s; server RSS {BaselineKiB / 1024.0:F0} MiB before, {HeldKiB / 1024.0:F0} MiB holding them (peak {PeakKiB / 1024.0:F0} MiB), {(HeldKiB - BaselineKiB) / (double)Math.Max(1, Open):F1} KiB per connection; relay check {ProbesRelayed}/{ProbesSent} channels");
}
