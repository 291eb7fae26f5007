using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Vigil.Signaling.Bench;

/// <summary>
/// Offer/answer relay latency at a fixed message rate: per channel one viewer and one master; viewers
/// send SDP offers round-robin, each master answers every offer at once. Half the messages are offers
/// (viewer → master), half answers (master → viewer); latency is measured one way, send to receive, in
/// this process (one clock). Per-connection rates stay under the 5 SDP messages/s limit. Every message is
/// also counted end to end (<see cref="RelayLedger"/>): when sending stops the bench waits up to
/// <see cref="Drain"/> for what is still in flight, so a message that arrives late is told from one that is lost.
/// </summary>
internal static class RelayLatencyBenchmark
{
    /// <summary>How long the bench waits, after the last offer, for messages still in flight.</summary>
    public static readonly TimeSpan Drain = TimeSpan.FromSeconds(10);

    private const int Offers = 0;
    private const int Answers = 1;

    /// <summary>
    /// <paramref name="cluster"/> null: one node (SQLite). Otherwise the settings of two cluster nodes (PostgreSQL,
    /// Redis): every master on node 1, every viewer on node 2, so each message crosses nodes through Redis.
    /// </summary>
    public static async Task<LatencyResult> RunAsync(int messagesPerSecond, TimeSpan duration, TimeSpan warmUp, IDictionary<string, string>? cluster = null)
    {
        // offers/s = rate/2 spread over enough channels that each connection sends at most 4 per second.
        var offersPerSecond = messagesPerSecond / 2;
        var channels = Math.Max(1, (offersPerSecond + 3) / 4);
        // The bench measures latency, not the rate limits: after a stall of the (shared) machine a client
        // catches up in a burst, which the 5/s SDP limit would partly refuse and so skew the figures.
        var settings = new Dictionary<string, string>(cluster ?? new Dictionary<string, string>()) { ["Signaling:SdpMessagesPerSecond"] = "100" };
        VigilServerProcess masterNode, viewerNode;
        if (cluster is null)
        {
            masterNode = viewerNode = await VigilServerProcess.StartAsync(settings);
        }
        else
        {
            (masterNode, viewerNode) = await VigilServerProcess.StartClusterAsync(settings);
        }

        await using var node1 = masterNode;
        await using var node2 = ReferenceEquals(viewerNode, masterNode) ? null : viewerNode;
        using var kvs = masterNode.CreateKvsClient(masterNode.Admin);
        var pairs = new (BenchSocket Master, BenchSocket Viewer)[channels];
        var name = $"latency-{Guid.NewGuid():N}"[..16];
        for (var i = 0; i < channels; i++)
        {
            var arn = await masterNode.CreateChannelAsync(kvs, $"{name}-{i:D4}");
            var master = await BenchSocket.ConnectAsync(masterNode, masterNode.Admin, arn, null, CancellationToken.None);
            var viewer = await BenchSocket.ConnectAsync(viewerNode, viewerNode.Admin, arn, "viewer", CancellationToken.None);
            pairs[i] = (master, viewer);
        }

        // A realistic browser offer is 4-6 KB of SDP; the payload is forwarded unchanged, so its size matters.
        // Each message carries its sequence number (inside the base64 payload) to match send and receive times.
        var sdp = string.Concat(Enumerable.Repeat("a=candidate:1 1 udp 2122260223 192.0.2.1 50000 typ host generation 0 network-id 1\r\n", 50));
        var total = (long)(offersPerSecond * (warmUp + duration).TotalSeconds);
        var sentAt = new long[total];
        var answeredAt = new long[total];
        var clock = Stopwatch.StartNew();
        var measureFrom = (long)(warmUp.TotalSeconds * Stopwatch.Frequency);
        var offerLatencies = new ConcurrentBag<double>();
        var answerLatencies = new ConcurrentBag<double>();
        var ledger = new RelayLedger(2);
        using var stop = new CancellationTokenSource();
        var loops = new List<Task>();
        var payloadLength = 0;
        foreach (var pair in pairs)
        {
            loops.Add(pair.Master.ReceiveLoopAsync(frame =>
            {
                var now = clock.ElapsedTicks;
                if (Sequence(frame) is not ({ } seq, { } id))
                {
                    return;
                }

                // The answer is reserved before the offer is marked received, so the drain never sees an offer
                // received and its answer not yet counted as sent.
                var answer = ledger.Send(Answers);
                if (!ledger.Receive(Offers, id))
                {
                    ledger.Unsent(Answers, answer);
                    return;
                }

                if (sentAt[seq] >= measureFrom)
                {
                    offerLatencies.Add((now - sentAt[seq]) * 1000.0 / Stopwatch.Frequency);
                }

                answeredAt[seq] = clock.ElapsedTicks;
                _ = pair.Master.SendAsync($$"""{"action":"SDP_ANSWER","recipientClientId":"viewer","messagePayload":"{{Payload("answer", sdp, seq, answer)}}"}""", CancellationToken.None);
            }, stop.Token));
            loops.Add(pair.Viewer.ReceiveLoopAsync(frame =>
            {
                var now = clock.ElapsedTicks;
                if (Sequence(frame) is ({ } seq, { } id) && ledger.Receive(Answers, id) && sentAt[seq] >= measureFrom)
                {
                    answerLatencies.Add((now - answeredAt[seq]) * 1000.0 / Stopwatch.Frequency);
                }
            }, stop.Token));
        }

        var interval = Stopwatch.Frequency / (double)offersPerSecond;
        for (long k = 0; k < total; k++)
        {
            var due = (long)(k * interval);
            var wait = due - clock.ElapsedTicks;
            if (wait > Stopwatch.Frequency / 1000)
            {
                await Task.Delay(TimeSpan.FromTicks(wait * TimeSpan.TicksPerSecond / Stopwatch.Frequency));
            }

            var pair = pairs[k % channels];
            var offer = Payload("offer", sdp, k, ledger.Send(Offers));
            payloadLength = offer.Length;
            sentAt[k] = clock.ElapsedTicks;
            await pair.Viewer.SendAsync($$"""{"action":"SDP_OFFER","messagePayload":"{{offer}}"}""", CancellationToken.None);
        }

        var sendTime = clock.Elapsed;
        ledger.CloseWindow();
        var deadline = Stopwatch.StartNew();
        while (ledger.Count().Lost > 0 && deadline.Elapsed < Drain)
        {
            await Task.Delay(50);
        }

        await stop.CancelAsync();
        await Task.WhenAll(loops);
        foreach (var pair in pairs)
        {
            await pair.Master.DisposeAsync();
            await pair.Viewer.DisposeAsync();
        }

        return new LatencyResult(
            (offerLatencies.Count + answerLatencies.Count) / (sendTime - warmUp).TotalSeconds,
            offerLatencies.Count + answerLatencies.Count,
            (long)(2 * offersPerSecond * duration.TotalSeconds),
            Percentile(offerLatencies, 0.5), Percentile(offerLatencies, 0.99),
            Percentile(answerLatencies, 0.5), Percentile(answerLatencies, 0.99),
            Percentile([.. offerLatencies, .. answerLatencies], 0.5), Percentile([.. offerLatencies, .. answerLatencies], 0.99),
            offerLatencies.Concat(answerLatencies).DefaultIfEmpty().Max(), payloadLength, channels, ledger.Count());
    }

    private static string Payload(string type, string sdp, long seq, int id) =>
        Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(new { type, sdp, seq, id }));

    /// <summary>The offer's number and the ledger id inside a relayed frame's payload; nulls for frames that are not relayed messages.</summary>
    private static (long? Seq, int? Id) Sequence(string frame)
    {
        const string marker = "\"messagePayload\":\"";
        var start = frame.IndexOf(marker, StringComparison.Ordinal);
        if (start < 0)
        {
            return (null, null);
        }

        start += marker.Length;
        var end = frame.IndexOf('"', start);
        using var document = JsonDocument.Parse(Convert.FromBase64String(frame[start..end]));
        var root = document.RootElement;
        return root.TryGetProperty("seq", out var seq) && root.TryGetProperty("id", out var id) ? (seq.GetInt64(), id.GetInt32()) : (null, null);
    }

    private static double Percentile(IEnumerable<double> values, double p)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
    }
}

/// <summary>
/// <paramref name="Relayed"/> counts every message (warm-up included) after the drain; its late ones were in flight when
/// sending stopped (what the bench reported as "unmatched" before it drained).
/// </summary>
internal sealed record LatencyResult(double Rate, int Measured, long Expected, double OfferP50, double OfferP99, double AnswerP50, double AnswerP99, double P50, double P99, double Max, int PayloadChars, int Channels, RelayCount Relayed)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Rate:F0} msg/s over {Channels} channels, {Measured}/{Expected} measured, payload {PayloadChars} chars: p50 {P50:F2} ms, p99 {P99:F2} ms, max {Max:F1} ms (offers p50 {OfferP50:F2} / p99 {OfferP99:F2}; answers p50 {AnswerP50:F2} / p99 {AnswerP99:F2}); all messages: {Relayed}");
}
