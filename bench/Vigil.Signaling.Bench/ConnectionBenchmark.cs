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

    private const string Probe = """{"action":"ICE_CANDIDATE","messagePayload":"eyJjYW5kaWRhdGUiOiIifQ=="}""";

    public static async Task<ConnectionResult> RunAsync(int connections, int parallelism, TimeSpan hold)
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

        var baseline = server.Memory();
        var sockets = new BenchSocket?[channels * PerChannel];
        var loops = new Task?[sockets.Length];
        using var stop = new CancellationTokenSource();
        var received = 0;
        var failures = 0;
        var clock = Stopwatch.StartNew();
        await Parallel.ForAsync(0, Math.Min(connections, sockets.Length), new ParallelOptions { MaxDegreeOfParallelism = parallelism }, async (n, ct) =>
        {
            var slot = n % PerChannel;
            try
            {
                var socket = await BenchSocket.ConnectAsync(server, server.Admin, arns[n / PerChannel], slot == 0 ? null : $"viewer-{slot}", ct);
                sockets[n] = socket;
                // Every client reads all the time, as the SDKs do (which is also what answers the server's pings).
                loops[n] = socket.ReceiveLoopAsync(_ => Interlocked.Increment(ref received), stop.Token);
            }
            catch (Exception e) when (e is System.Net.WebSockets.WebSocketException or HttpRequestException or IOException)
            {
                Interlocked.Increment(ref failures);
            }
        });
        var connectTime = clock.Elapsed;

        // Hold them, then measure: the server has settled (GC, pings) by then.
        await Task.Delay(hold);
        var open = sockets.Count(s => s is { State: System.Net.WebSockets.WebSocketState.Open });
        var held = server.Memory();

        // Every channel must still relay: viewer-1 sends a candidate, its master must get it.
        var sent = 0;
        for (var c = 0; c < channels; c++)
        {
            if (sockets[(c * PerChannel) + 1] is { } viewer && sockets[c * PerChannel] is not null)
            {
                try
                {
                    await viewer.SendAsync(Probe, CancellationToken.None);
                    sent++;
                }
                catch (System.Net.WebSockets.WebSocketException)
                {
                }
            }
        }

        var deadline = Stopwatch.StartNew();
        while (Volatile.Read(ref received) < sent && deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(100);
        }

        var relayed = Volatile.Read(ref received);
        await stop.CancelAsync();
        await Task.WhenAll(loops.OfType<Task>());
        await Parallel.ForEachAsync(sockets.OfType<BenchSocket>(), new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (s, _) => await s.DisposeAsync());
        return new ConnectionResult(connections, open, failures, connectTime, baseline.RssKiB, held.RssKiB, held.PeakKiB, sent, relayed);
    }
}

internal sealed record ConnectionResult(int Wanted, int Open, int Failed, TimeSpan ConnectTime, long BaselineKiB, long HeldKiB, long PeakKiB, int ProbesSent, int ProbesRelayed)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Open}/{Wanted} open after the hold ({Failed} failed to connect), connected in {ConnectTime.TotalSeconds:F1} s; server RSS {BaselineKiB / 1024.0:F0} MiB before, {HeldKiB / 1024.0:F0} MiB holding them (peak {PeakKiB / 1024.0:F0} MiB), {(HeldKiB - BaselineKiB) / (double)Math.Max(1, Open):F1} KiB per connection; relay check {ProbesRelayed}/{ProbesSent} channels");
}
