using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using MQTTnet;
using Vigil.Devices.Bench;

namespace Vigil.Signaling.Bench;

/// <summary>
/// Restart under load (issue 19): <c>cameras</c> simulated cameras provisioned through the claim flow and connected
/// over MQTT with their own certificates, <c>viewers</c> signaling channels with a master and a viewer each, and
/// e-mails sent over SMTP to a snapshot camera's private address the whole time. Then <c>vigil serve</c> is stopped
/// with SIGTERM and started again on the same data directory and ports. Clients reconnect as real ones do (a jittered
/// retry every 0.25–0.75 s). Measured from the new process's start: every camera online again by the server's
/// presence (<c>vigil things list</c>), every viewer reconnected with an offer relayed to its reconnected master.
/// Afterwards every e-mail answered 250 after DATA must be an event of the snapshot camera (<c>vigil events list</c>).
/// </summary>
internal static class RestartBenchmark
{
    private const string SnapshotCamera = "Restart bench";

    /// <summary><paramref name="mail"/> false: no e-mail at all (to tell what holds a slow stop).</summary>
    public static async Task<RestartResult> RunAsync(int cameras, int viewers, bool mail, Action<string> progress)
    {
        var model = Path.GetFullPath(Path.Combine(VigilServerProcess.RepositoryRoot(), "..", "shared", "models", "yolox_nano", "yolox_nano.onnx"));
        var picture = Path.Combine(Environment.GetEnvironmentVariable("VIGIL_TEST_DARKNET_DATA") is { Length: > 0 } d ? d : "/usr/share/darknet/data", "dog.jpg");
        foreach (var file in new[] { model, picture })
        {
            if (!File.Exists(file))
            {
                throw new InvalidOperationException($"the restart benchmark needs {file} (the YOLOX-Nano model in ../shared, Debian's darknet package)");
            }
        }

        var serials = Enumerable.Range(0, cameras).Select(i => $"RESTART-{i:D5}").ToList();
        string? ingestAddress = null;
        await using var server = await VigilServerProcess.StartAsync(
            new Dictionary<string, string>
            {
                // The ingest address is made at add-snapshot time from the public host: the same as the server's.
                ["Server:PublicHost"] = "localhost",
                ["Vision:ModelPath"] = model,
                ["Vision:ModelUrl"] = "",
                ["Ingest:MaxMessagesPerCameraPerMinute"] = "100000",
                ["Ingest:MaxMessagesPerIpPerMinute"] = "100000",
                // Every simulated camera provisions from 127.0.0.1 with one claim certificate: the per-address and
                // per-claim limits (30 and 60 a minute) are for a real fleet, not for 200 devices in a few seconds.
                ["Provisioning:CertificateRequestsPerClaimPerMinute"] = "100000",
                ["Provisioning:CertificateRequestsPerAddressPerMinute"] = "100000",
            },
            async vigil =>
            {
                var registry = Path.Combine(Path.GetTempPath(), $"vigil-restart-registry-{Guid.NewGuid():N}.csv");
                if (cameras > 0)
                {
                    await File.WriteAllLinesAsync(registry, ["serial,secret,model", .. serials.Select(s => $"{s},secret-{s},Bench camera")]);
                    await vigil(["registry", "import", registry]);
                    File.Delete(registry);
                }
                await vigil(["user", "add", "owner@example.com"]);
                var snapshot = JsonDocument.Parse(await vigil(["cameras", "add-snapshot", "--owner", "owner@example.com", "--name", SnapshotCamera, "--json"]));
                ingestAddress = snapshot.RootElement.GetProperty("ingestAddress").GetString();
            });
        var bundle = Path.Combine(server.DataPath, "restart-bench-claim");
        await server.RunCommandAsync("claim", "create", "--out", bundle);
        using var claim = X509Certificate2.CreateFromPemFile(Path.Combine(bundle, "claim.cert.pem"), Path.Combine(bundle, "claim.private.key"));
        using var root = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(Path.Combine(bundle, "root-ca.pem")));
        using var stop = new CancellationTokenSource();

        // Cameras: provisioned by claim, then connected as themselves, reconnecting whenever they lose the server.
        var devices = serials.Select(s => new SimulatedCamera(s)).ToList();
        Parallel.ForEach(devices, c => c.Prepare());
        await Parallel.ForEachAsync(devices, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (camera, ct) =>
            await camera.ProvisionAsync("127.0.0.1", server.MqttPort, root, claim, "VigilCameraTemplate", ct));
        var cameraLinks = devices.Select(c => new CameraLink(c.Serial, c.DeviceCertificate())).ToList();
        var cameraTasks = cameraLinks.Select(c => Task.Run(() => c.RunAsync(server.MqttPort, root, stop.Token))).ToList();
        await WaitAsync(() => Task.FromResult(cameraLinks.All(c => c.Connected)), TimeSpan.FromSeconds(120), "cameras connected");
        await WaitAsync(async () => await OnlineAsync(server) == cameras, TimeSpan.FromSeconds(60), "cameras online by presence");
        progress($"{cameras} cameras provisioned, connected and online");

        // Signaling: one channel per viewer, its master and its viewer, each reconnecting when the server closes it.
        using var kvs = server.CreateKvsClient(server.Admin);
        var arns = new string[viewers];
        await Parallel.ForAsync(0, viewers, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
            arns[i] = await server.CreateChannelAsync(kvs, $"restart-{i:D4}"));
        var pairs = arns.Select(arn => new SignalingPair(server, arn)).ToList();
        var pairTasks = pairs.Select(p => Task.Run(() => p.RunAsync(stop.Token))).ToList();
        await WaitAsync(() => Task.FromResult(pairs.All(p => p.Relayed >= 1)), TimeSpan.FromSeconds(120), "viewers relaying");
        progress($"{viewers} viewers and their masters connected and relaying");

        // E-mails: two senders, each a new session every 250 ms (at most 8 a second, each detected and stored: the
        // camera e-mails of a busy home, not a flood that would make the restart wait for a saturated CPU).
        var counts = new SmtpLoad.MailCounts();
        var jpeg = await File.ReadAllBytesAsync(picture);
        using var sending = new CancellationTokenSource();
        var senders = Enumerable.Range(0, mail ? 2 : 0).Select(_ => Task.Run(() => SmtpLoad.SendMailAsync(server.SmtpPort, ingestAddress!, jpeg, counts, sending.Token))).ToList();
        await Task.Delay(TimeSpan.FromSeconds(5));

        var beforeStop = counts.Snapshot();
        var clock = Stopwatch.StartNew();
        var relayedBefore = pairs.Select(p => p.Relayed).ToArray();
        await server.StopAsync();
        var stopTime = clock.Elapsed;
        var onlineAfterStop = await OnlineAsync(server);
        progress($"stopped in {stopTime.TotalSeconds:F1} s (SIGTERM); things online in the database after the stop: {onlineAfterStop}");
        var startAt = clock.Elapsed;
        var startedAt = Stopwatch.GetTimestamp();
        await server.StartAgainAsync();
        var readyAt = clock.Elapsed - startAt;
        progress($"started again, ready after {readyAt.TotalSeconds:F1} s");

        TimeSpan? camerasBackAt = null, viewersBackAt = null, camerasConnectedAt = null;
        var deadline = TimeSpan.FromSeconds(120);
        while ((camerasBackAt is null || viewersBackAt is null) && clock.Elapsed - startAt < deadline)
        {
            if (viewersBackAt is null && pairs.Select((p, i) => p.Relayed > relayedBefore[i]).All(b => b))
            {
                viewersBackAt = clock.Elapsed - startAt;
            }

            if (camerasConnectedAt is null && cameraLinks.All(c => c.Connections >= 2 && c.Connected))
            {
                camerasConnectedAt = Stopwatch.GetElapsedTime(startedAt, cameraLinks.Select(c => c.ConnectedAt).DefaultIfEmpty(startedAt).Max());
            }

            // Presence as the server records it; the check (a `vigil` process) takes a while, so the time is when it started.
            var checkAt = clock.Elapsed - startAt;
            if (camerasBackAt is null && camerasConnectedAt is not null && await OnlineAsync(server) == cameras)
            {
                camerasBackAt = checkAt;
            }

            await Task.Delay(100);
        }

        // A few more seconds of e-mail after the restart, then every accepted one must become an event.
        await Task.Delay(TimeSpan.FromSeconds(5));
        await sending.CancelAsync();
        await Task.WhenAll(senders);
        var sent = counts.Snapshot();
        var events = 0;
        var settle = Stopwatch.StartNew();
        while (settle.Elapsed < TimeSpan.FromSeconds(180))
        {
            events = await EventCountAsync(server);
            if (events >= sent.Accepted)
            {
                break;
            }

            await Task.Delay(1000);
        }

        progress($"e-mails: {sent}; events of the snapshot camera: {events}");
        await stop.CancelAsync();
        await Task.WhenAll(cameraTasks.Concat(pairTasks));
        foreach (var pair in pairs)
        {
            await pair.DisposeAsync();
        }

        return new RestartResult(cameras, viewers, stopTime, onlineAfterStop, readyAt, camerasConnectedAt, camerasBackAt, viewersBackAt,
            cameraLinks.Count(c => c.Connections >= 2), pairs.Count(p => p.Reconnects >= 1), beforeStop, sent, events);
    }

    private static async Task<int> OnlineAsync(VigilServerProcess server)
    {
        using var things = JsonDocument.Parse(await server.RunCommandAsync("things", "list", "--json"));
        return things.RootElement.EnumerateArray().Count(t => t.GetProperty("online").GetBoolean());
    }

    private static async Task<int> EventCountAsync(VigilServerProcess server)
    {
        var count = 0;
        string? before = null;
        while (true)
        {
            string[] arguments = ["events", "list", "--camera", SnapshotCamera, "--limit", "500", "--json", .. before is null ? Array.Empty<string>() : ["--before", before]];
            using var page = JsonDocument.Parse(await server.RunCommandAsync(arguments));
            count += page.RootElement.GetProperty("events").GetArrayLength();
            if (page.RootElement.GetProperty("nextBefore") is { ValueKind: JsonValueKind.Number } next)
            {
                before = next.GetInt64().ToString(CultureInfo.InvariantCulture);
                continue;
            }

            return count;
        }
    }

    private static async Task WaitAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"not reached within {timeout.TotalSeconds:F0} s: {what}");
            }

            await Task.Delay(200);
        }
    }

    /// <summary>A camera's MQTT link with its device certificate: reconnects after a jittered 0.25–0.75 s whenever it drops.</summary>
    private sealed class CameraLink(string serial, X509Certificate2 certificate)
    {
        private int _connections;
        private volatile bool _connected;
        private long _connectedAt;

        /// <summary>When the last CONNACK arrived (Stopwatch timestamp).</summary>
        public long ConnectedAt => Interlocked.Read(ref _connectedAt);

        public bool Connected => _connected;

        public int Connections => Volatile.Read(ref _connections);

        public async Task RunAsync(int port, X509Certificate2 root, CancellationToken cancellationToken)
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                IMqttClient? client = null;
                try
                {
                    client = await SimulatedCamera.ConnectHoldingAsync("127.0.0.1", port, root, certificate, serial, cancellationToken);
                    var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    client.DisconnectedAsync += _ =>
                    {
                        lost.TrySetResult();
                        return Task.CompletedTask;
                    };
                    Interlocked.Exchange(ref _connectedAt, Stopwatch.GetTimestamp());
                    Interlocked.Increment(ref _connections);
                    _connected = true;
                    await lost.Task.WaitAsync(cancellationToken);
                }
                catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or InvalidOperationException or OperationCanceledException)
                {
                }
                finally
                {
                    _connected = false;
                    client?.Dispose();
                }

                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(250, 750)), CancellationToken.None);
            }
        }
    }

    /// <summary>A channel's master and viewer: (re)connected with the same jittered retry; the viewer sends an offer after each connect, counted when the master has it.</summary>
    private sealed class SignalingPair(VigilServerProcess server, string arn) : IAsyncDisposable
    {
        private readonly ConcurrentQueue<BenchSocket> _sockets = new();
        private int _relayed;
        private int _reconnects;

        public int Relayed => Volatile.Read(ref _relayed);

        /// <summary>Times the viewer connected again after losing the server.</summary>
        public int Reconnects => Volatile.Read(ref _reconnects);

        public Task RunAsync(CancellationToken cancellationToken) =>
            Task.WhenAll(KeepAsync(null, cancellationToken), KeepAsync("viewer", cancellationToken));

        public async ValueTask DisposeAsync()
        {
            while (_sockets.TryDequeue(out var socket))
            {
                await socket.DisposeAsync();
            }
        }

        private async Task KeepAsync(string? clientId, CancellationToken cancellationToken)
        {
            for (var attempt = 0; !cancellationToken.IsCancellationRequested; attempt++)
            {
                try
                {
                    var socket = await BenchSocket.ConnectAsync(server, server.Admin, arn, clientId, cancellationToken);
                    _sockets.Enqueue(socket);
                    if (clientId is not null)
                    {
                        if (attempt > 0)
                        {
                            Interlocked.Increment(ref _reconnects);
                        }

                        var offer = Convert.ToBase64String("{\"type\":\"offer\",\"sdp\":\"v=0\"}"u8);
                        await socket.SendAsync($$"""{"action":"SDP_OFFER","messagePayload":"{{offer}}"}""", cancellationToken);
                        await socket.ReceiveLoopAsync(_ => { }, cancellationToken);
                    }
                    else
                    {
                        await socket.ReceiveLoopAsync(frame =>
                        {
                            if (frame.Contains("SDP_OFFER", StringComparison.Ordinal))
                            {
                                Interlocked.Increment(ref _relayed);
                            }
                        }, cancellationToken);
                    }
                }
                catch (Exception e) when (e is System.Net.WebSockets.WebSocketException or HttpRequestException or IOException or OperationCanceledException)
                {
                }

                if (!cancellationToken.IsCancellationRequested)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(250, 750)), CancellationToken.None);
                }
            }
        }
    }
}

internal sealed record RestartResult(
    int Cameras, int Viewers, TimeSpan StopTime, int OnlineAfterStop, TimeSpan ReadyAfter, TimeSpan? CamerasConnectedAfter, TimeSpan? CamerasBackAfter, TimeSpan? ViewersBackAfter,
    int CamerasReconnected, int ViewersReconnected, MailSnapshot MailBeforeStop, MailSnapshot Mail, int Events)
{
    public bool Passed => CamerasBackAfter <= TimeSpan.FromSeconds(10) && ViewersBackAfter <= TimeSpan.FromSeconds(10) && Events == Mail.Accepted;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"""
        stop (SIGTERM to exit) {StopTime.TotalSeconds:F1} s, things online after the stop {OnlineAfterStop}; new process ready after {ReadyAfter.TotalSeconds:F1} s
        cameras reconnected (last CONNACK, {CamerasReconnected}/{Cameras}): {Seconds(CamerasConnectedAfter)}, all online by presence (vigil things list started at): {Seconds(CamerasBackAfter)} after the new process started
        viewers reconnected and relaying ({ViewersReconnected}/{Viewers}): {Seconds(ViewersBackAfter)} after the new process started
        e-mails: {Mail}; events: {Events} ({(Events == Mail.Accepted ? "none lost" : "MISMATCH")})
        verdict: {(Passed ? "ok" : "FAIL")}
        """);

    private static string Seconds(TimeSpan? time) => time is { } t ? $"{t.TotalSeconds:F1} s" : "not within 120 s";
}
