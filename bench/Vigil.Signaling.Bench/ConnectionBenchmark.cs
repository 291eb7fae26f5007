using System.Diagnostics;
using System.Globalization;

namespace Vigil.Signaling.Bench;

/// <summary>
/// Opens <c>connections</c> signaling WebSockets (1 master + 9 viewers per channel) against one server
/// process, holds them, checks every channel still relays, and reports the server's resident memory.
/// With <c>cluster</c> settings (Storage:Provider=Postgres, Cluster:Redis) two nodes share the sockets: the
/// master and the even viewers of each channel on node 1, the odd viewers on node 2, so the relay check (viewer-1
/// to its master) crosses nodes; each node's memory is reported.
/// </summary>
internal static class ConnectionBenchmark
{
    public const int PerChannel = 10;

    private const string Probe = """{"action":"ICE_CANDIDATE","messagePayload":"eyJjYW5kaWRhdGUiOiIifQ=="}""";

    public static async Task<ConnectionResult> RunAsync(int connections, int parallelism, TimeSpan hold, IDictionary<string, string>? cluster = null)
    {
        var settings = new Dictionary<string, string>(cluster ?? new Dictionary<string, string>()) { ["Signaling:MaxChannels"] = "100000" };
        VigilServerProcess server, other;
        if (cluster is null)
        {
            server = other = await VigilServerProcess.StartAsync(settings);
        }
        else
        {
            (server, other) = await VigilServerProcess.StartClusterAsync(settings);
        }

        try
        {
            return await RunAsync(server, other, connections, parallelism, hold);
        }
        finally
        {
            await server.DisposeAsync();
            if (other != server)
            {
                await other.DisposeAsync();
            }
        }
    }

    private static async Task<ConnectionResult> RunAsync(VigilServerProcess server, VigilServerProcess other, int connections, int parallelism, TimeSpan hold)
    {
        var channels = (connections + PerChannel - 1) / PerChannel;
        using var kvs = server.CreateKvsClient(server.Admin);
        var arns = new string[channels];
        await Parallel.ForAsync(0, channels, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
            arns[i] = await server.CreateChannelAsync(kvs, $"bench-{i:D5}"));

        var baseline = server.Memory();
        var otherBaseline = other.Memory();
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
                var socket = await BenchSocket.ConnectAsync(slot % 2 == 0 ? server : other, server.Admin, arns[n / PerChannel], slot == 0 ? null : $"viewer-{slot}", ct);
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
        var otherHeld = other.Memory();

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
        var result = new ConnectionResult(connections, open, failures, connectTime, baseline.RssKiB, held.RssKiB, held.PeakKiB, sent, relayed);
        return other == server ? result : result with { Node2 = (otherBaseline.RssKiB, otherHeld.RssKiB, otherHeld.PeakKiB) };
    }
}

internal sealed record ConnectionResult(int Wanted, int Open, int Failed, TimeSpan ConnectTime, long BaselineKiB, long HeldKiB, long PeakKiB, int ProbesSent, int ProbesRelayed)
{
    /// <summary>Node 2's memory (before, holding, peak) when two nodes shared the sockets.</summary>
    public (long BaselineKiB, long HeldKiB, long PeakKiB)? Node2 { get; init; }

    public override string ToString() => Node2 is not { } node2
        ? string.Create(CultureInfo.InvariantCulture,
            $"{Open}/{Wanted} open after the hold ({Failed} failed to connect), connected in {ConnectTime.TotalSeconds:F1} s; server RSS {BaselineKiB / 1024.0:F0} MiB before, {HeldKiB / 1024.0:F0} MiB holding them (peak {PeakKiB / 1024.0:F0} MiB), {(HeldKiB - BaselineKiB) / (double)Math.Max(1, Open):F1} KiB per connection; relay check {ProbesRelayed}/{ProbesSent} channels")
        : string.Create(CultureInfo.InvariantCulture,
            $"{Open}/{Wanted} open after the hold ({Failed} failed to connect), connected in {ConnectTime.TotalSeconds:F1} s; node 1 RSS {BaselineKiB / 1024.0:F0} -> {HeldKiB / 1024.0:F0} MiB (peak {PeakKiB / 1024.0:F0}), node 2 RSS {node2.BaselineKiB / 1024.0:F0} -> {node2.HeldKiB / 1024.0:F0} MiB (peak {node2.PeakKiB / 1024.0:F0}), {(HeldKiB - BaselineKiB + node2.HeldKiB - node2.BaselineKiB) / (double)Math.Max(1, Open):F1} KiB per connection over both; relay check across nodes {ProbesRelayed}/{ProbesSent} channels");
}
