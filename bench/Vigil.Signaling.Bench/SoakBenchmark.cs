using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Vigil.Signaling.Bench;

/// <summary>
/// Signaling soak (issue 19): <c>cameras</c> channels, each with one master and <c>viewers / cameras</c> viewers,
/// held for <c>minutes</c> against one <c>vigil serve</c> at the server's default limits. Every viewer starts a
/// session once per <c>period</c> (its start spread over the period): an SDP offer and three ICE candidates to
/// its master; the master answers each offer with an SDP answer and three candidates to that viewer. Every
/// message is counted end to end (<see cref="RelayLedger"/>: one stream per direction per viewer) and checked to
/// reach the right recipient. After the last session, the bench drains what is in flight before counting.
/// Errors: failed connects, sockets closed by the server, sends that failed, STATUS_RESPONSE refusals (every
/// message carries a correlationId so a refusal is reported), GO_AWAY, and messages at the wrong recipient.
/// </summary>
internal static class SoakBenchmark
{
    private const int CandidatesPerSession = 3;
    private static readonly TimeSpan Drain = TimeSpan.FromSeconds(30);

    public static async Task<SoakResult> RunAsync(int cameras, int viewers, TimeSpan duration, TimeSpan period, Action<string> progress)
    {
        var perChannel = Math.Max(1, viewers / cameras);
        viewers = perChannel * cameras;
        await using var server = await VigilServerProcess.StartAsync(new Dictionary<string, string>
        {
            ["Signaling:MaxChannels"] = Math.Max(10_000, cameras).ToString(CultureInfo.InvariantCulture),
        });
        using var kvs = server.CreateKvsClient(server.Admin);
        var arns = new string[cameras];
        await Parallel.ForAsync(0, cameras, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
            arns[i] = await server.CreateChannelAsync(kvs, $"soak-{i:D5}"));

        var errors = new ErrorCounts();
        var sessions = 0L;
        var ledger = new RelayLedger(viewers * 2);
        var masters = new BenchSocket?[cameras];
        var viewerSockets = new BenchSocket?[viewers];
        var loops = new List<Task>();
        using var stop = new CancellationTokenSource();
        var sdp = string.Concat(Enumerable.Repeat("a=candidate:1 1 udp 2122260223 192.0.2.1 50000 typ host generation 0 network-id 1\r\n", 50));
        var candidate = "candidate:1 1 udp 2122260223 192.0.2.1 50000 typ host generation 0 network-id 1";

        // Connect the masters first, then the viewers (a channel's viewer rate is 3/s with a burst of 11).
        var connectClock = Stopwatch.StartNew();
        await Parallel.ForAsync(0, cameras + viewers, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (n, ct) =>
        {
            var isMaster = n < cameras;
            var channel = isMaster ? n : (n - cameras) / perChannel;
            var viewer = isMaster ? -1 : n - cameras;
            BenchSocket socket;
            try
            {
                socket = await BenchSocket.ConnectAsync(server, server.Admin, arns[channel], isMaster ? null : ViewerId(viewer % perChannel), ct);
            }
            catch (Exception e) when (e is System.Net.WebSockets.WebSocketException or HttpRequestException or IOException)
            {
                errors.Add("connect failed");
                return;
            }

            if (isMaster)
            {
                masters[channel] = socket;
            }
            else
            {
                viewerSockets[viewer] = socket;
            }

            var loop = socket.ReceiveLoopAsync(
                frame => OnFrame(frame, socket, channel, viewer),
                stop.Token);
            lock (loops)
            {
                loops.Add(ObserveAsync(loop, errors, stop.Token));
            }
        });
        var connectTime = connectClock.Elapsed;
        progress($"{masters.Count(m => m is not null) + viewerSockets.Count(v => v is not null)}/{cameras + viewers} connected in {connectTime.TotalSeconds:F0} s; server RSS {server.Memory().RssKiB / 1024} MiB");

        // Traffic: each viewer runs one session per period, the start of each viewer's first session spread over the period.
        var serverCpuStart = server.CpuTime();
        var benchCpuStart = Process.GetCurrentProcess().TotalProcessorTime;
        var loadStart = LoadAverage();
        var clock = Stopwatch.StartNew();
        using var sending = new CancellationTokenSource(duration);
        var senders = Enumerable.Range(0, viewers).Select(v => Task.Run(() => ViewerLoopAsync(v, sending.Token))).ToList();
        long rssAfterFirstMinute = 0;
        var samples = new List<string>();
        for (var minute = 1; clock.Elapsed < duration; minute++)
        {
            var next = TimeSpan.FromMinutes(minute) - clock.Elapsed;
            if (next > TimeSpan.Zero)
            {
                await Task.Delay(next < duration - clock.Elapsed ? next : duration - clock.Elapsed);
            }

            var rss = server.Memory().RssKiB;
            if (minute == 1)
            {
                rssAfterFirstMinute = rss;
            }

            var sample = string.Create(CultureInfo.InvariantCulture, $"{clock.Elapsed.TotalMinutes:F1} min: {Progress(ledger.Count())}, errors {errors.Total}, server RSS {rss / 1024} MiB, load {LoadAverage()}");
            samples.Add(sample);
            progress(sample);
        }

        await Task.WhenAll(senders);
        var sendTime = clock.Elapsed;
        ledger.CloseWindow();
        var drain = Stopwatch.StartNew();
        while (ledger.Count().Lost > 0 && drain.Elapsed < Drain)
        {
            await Task.Delay(100);
        }

        var serverCpu = server.CpuTime() - serverCpuStart;
        var benchCpu = Process.GetCurrentProcess().TotalProcessorTime - benchCpuStart;
        var rssEnd = server.Memory().RssKiB;
        var loadEnd = LoadAverage();
        var count = ledger.Count();
        await stop.CancelAsync();
        await Task.WhenAll(loops);
        await Parallel.ForEachAsync(masters.Concat(viewerSockets).OfType<BenchSocket>(), new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (s, _) => await s.DisposeAsync());
        return new SoakResult(cameras, viewers, connectTime, sendTime, Interlocked.Read(ref sessions), count, errors.Snapshot(),
            rssAfterFirstMinute, rssEnd, serverCpu, benchCpu, loadStart, loadEnd, samples);

        async Task ViewerLoopAsync(int viewer, CancellationToken cancellationToken)
        {
            if (viewerSockets[viewer] is not { } socket)
            {
                return;
            }

            try
            {
                await Task.Delay(period * viewer / viewers, cancellationToken);
                using var timer = new PeriodicTimer(period);
                do
                {
                    Interlocked.Increment(ref sessions);
                    var stream = viewer * 2;
                    var id = ledger.Send(stream);
                    await SendAsync(socket, stream, id, $$"""{"action":"SDP_OFFER","messagePayload":"{{Payload("offer", sdp, stream, id)}}","correlationId":"o{{viewer}}"}""");
                    for (var c = 0; c < CandidatesPerSession; c++)
                    {
                        id = ledger.Send(stream);
                        await SendAsync(socket, stream, id, $$"""{"action":"ICE_CANDIDATE","messagePayload":"{{Payload("candidate", candidate, stream, id)}}","correlationId":"c{{viewer}}"}""");
                    }
                }
                while (await timer.WaitForNextTickAsync(cancellationToken));
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
            }
        }

        async Task SendAsync(BenchSocket socket, int stream, int id, string json)
        {
            try
            {
                await socket.SendAsync(json, CancellationToken.None);
            }
            catch (Exception e) when (e is System.Net.WebSockets.WebSocketException or IOException or ObjectDisposedException)
            {
                // Never on the wire, so not counted as sent (nor lost): the error is counted instead.
                ledger.Unsent(stream, id);
                errors.Add("send failed");
            }
        }

        void OnFrame(string frame, BenchSocket socket, int channel, int viewer)
        {
            using var document = JsonDocument.Parse(frame);
            var root = document.RootElement;
            var type = root.TryGetProperty("messageType", out var t) ? t.GetString() : null;
            if (type is "STATUS_RESPONSE" or "GO_AWAY" or "RECONNECT_ICE_SERVER" || !root.TryGetProperty("messagePayload", out var payload))
            {
                errors.Add(type ?? "unexpected frame");
                return;
            }

            using var inner = JsonDocument.Parse(Convert.FromBase64String(payload.GetString()!));
            var stream = inner.RootElement.GetProperty("s").GetInt32();
            var id = inner.RootElement.GetProperty("q").GetInt32();
            var kind = inner.RootElement.GetProperty("type").GetString();
            if (viewer < 0)
            {
                // At a master: from one of its own viewers, the stream of that viewer's messages to it.
                var sender = root.TryGetProperty("senderClientId", out var s) ? s.GetString() : null;
                var from = stream / 2;
                if (stream % 2 != 0 || from / perChannel != channel || sender != ViewerId(from % perChannel))
                {
                    errors.Add("misrouted");
                    return;
                }

                if (kind != "offer")
                {
                    ledger.Receive(stream, id);
                    return;
                }

                // The answer's ids are reserved before the offer is marked received, so the drain never sees an
                // offer received and its answer not yet counted as sent.
                var answer = (viewer: from, ids: Enumerable.Range(0, 1 + CandidatesPerSession).Select(_ => ledger.Send((from * 2) + 1)).ToArray());
                if (ledger.Receive(stream, id))
                {
                    _ = AnswerAsync(socket, answer.viewer, answer.ids);
                }
                else
                {
                    foreach (var unused in answer.ids)
                    {
                        ledger.Unsent((from * 2) + 1, unused);
                    }
                }
            }
            else if (stream != (viewer * 2) + 1)
            {
                errors.Add("misrouted");
            }
            else
            {
                ledger.Receive(stream, id);
            }
        }

        async Task AnswerAsync(BenchSocket master, int viewer, int[] ids)
        {
            var stream = (viewer * 2) + 1;
            var recipient = ViewerId(viewer % perChannel);
            await SendAsync(master, stream, ids[0], $$"""{"action":"SDP_ANSWER","recipientClientId":"{{recipient}}","messagePayload":"{{Payload("answer", sdp, stream, ids[0])}}","correlationId":"a{{viewer}}"}""");
            for (var c = 1; c < ids.Length; c++)
            {
                await SendAsync(master, stream, ids[c], $$"""{"action":"ICE_CANDIDATE","recipientClientId":"{{recipient}}","messagePayload":"{{Payload("candidate", candidate, stream, ids[c])}}","correlationId":"m{{viewer}}"}""");
            }
        }
    }

    /// <summary>A count taken while messages are still being sent: what is not received yet is in flight, not lost.</summary>
    private static string Progress(RelayCount count) =>
        string.Create(CultureInfo.InvariantCulture, $"sent {count.Sent:N0}, received {count.Received:N0} ({count.Lost} in flight), duplicated {count.Duplicated}, unknown {count.Unknown}");

    private static string ViewerId(int slot) => $"viewer-{slot}";

    private static string Payload(string type, string body, int stream, int sequence) =>
        Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(new { type, body, s = stream, q = sequence }));

    /// <summary>A receive loop that ends before the bench stops it means the server closed the socket.</summary>
    private static async Task ObserveAsync(Task loop, ErrorCounts errors, CancellationToken stopped)
    {
        await loop;
        if (!stopped.IsCancellationRequested)
        {
            errors.Add("socket closed");
        }
    }

    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    internal sealed class ErrorCounts
    {
        private readonly Dictionary<string, long> _counts = new(StringComparer.Ordinal);

        public long Total
        {
            get
            {
                lock (_counts)
                {
                    return _counts.Values.Sum();
                }
            }
        }

        public void Add(string kind)
        {
            lock (_counts)
            {
                _counts[kind] = _counts.GetValueOrDefault(kind) + 1;
            }
        }

        public IReadOnlyDictionary<string, long> Snapshot()
        {
            lock (_counts)
            {
                return new Dictionary<string, long>(_counts, StringComparer.Ordinal);
            }
        }
    }
}

internal sealed record SoakResult(
    int Cameras, int Viewers, TimeSpan ConnectTime, TimeSpan SendTime, long Sessions, RelayCount Relayed,
    IReadOnlyDictionary<string, long> Errors, long RssAfterFirstMinuteKiB, long RssEndKiB, TimeSpan ServerCpu, TimeSpan BenchCpu,
    string LoadStart, string LoadEnd, IReadOnlyList<string> Samples)
{
    public long ErrorTotal => Errors.Values.Sum();

    public double RssChange => RssAfterFirstMinuteKiB == 0 ? double.NaN : (RssEndKiB - RssAfterFirstMinuteKiB) / (double)RssAfterFirstMinuteKiB;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"""
        {Cameras} masters + {Viewers} viewers (connected in {ConnectTime.TotalSeconds:F0} s), {SendTime.TotalMinutes:F1} min of traffic, {Sessions:N0} sessions
        messages: {Relayed}; exactly once: {(Relayed.ExactlyOnce ? "yes" : "NO")}
        errors: {ErrorTotal}{(Errors.Count == 0 ? "" : " (" + string.Join(", ", Errors.Select(e => $"{e.Key} {e.Value}")) + ")")}
        server RSS after the first minute {RssAfterFirstMinuteKiB / 1024.0:F0} MiB, at the end {RssEndKiB / 1024.0:F0} MiB ({RssChange:+0.0%;-0.0%})
        CPU over the traffic: server {ServerCpu.TotalSeconds:F0} s ({ServerCpu / SendTime:P0} of one core), bench {BenchCpu.TotalSeconds:F0} s ({BenchCpu / SendTime:P0}); load average {LoadStart} at the start, {LoadEnd} at the end
        """);
}
