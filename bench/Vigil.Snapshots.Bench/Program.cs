using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using SkiaSharp;
using Vigil.Server.Features.Cameras;
using Vigil.Server.Features.Ingest;
using Vigil.Server.Features.Ingest.Smtp;
using Vigil.Server.Features.Notifications;
using Vigil.Server.Features.Vision;
using Vigil.Server.Hosting;

// Snapshot AI benchmark (issue 7): detection time per image, e-mails accepted per second with a
// 200 KB JPEG each, and e-mail-accepted -> notification-sent latency through a loopback relay.
// Usage: dotnet run -c Release --project bench/Vigil.Snapshots.Bench -- [emails] [runs] [throughput|stages]
// ("throughput": only the accept/process runs, not detection and latency; "stages": the cost of
// each step of processing one e-mail, one thread, the profile of where the time goes). Environment:
// VIGIL_BENCH_INFERENCE_THREADS sets Vision:InferenceThreads (default: the server's default).
// Needs ../shared/models/yolox_nano/yolox_nano.onnx, Debian's darknet pictures and python3-aiosmtpd.
var emails = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1000;
var runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
var throughputOnly = args.Length > 2 && args[2] == "throughput";
var root = FindRoot();
var model = Path.GetFullPath(Path.Combine(root, "..", "shared", "models", "yolox_nano", "yolox_nano.onnx"));
var darknet = Environment.GetEnvironmentVariable("VIGIL_TEST_DARKNET_DATA") ?? "/usr/share/darknet/data";
Console.WriteLine($"# machine: {Environment.ProcessorCount} cores, {CpuModel()}, .NET {Environment.Version}");
if (args.Length > 2 && args[2] == "stages")
{
    await StagesAsync(model, Jpeg200K(), runs);
    return;
}

Console.WriteLine($"# load average before: {LoadAverage()}; Vision:InferenceThreads={Environment.GetEnvironmentVariable("VIGIL_BENCH_INFERENCE_THREADS") ?? "default"}");
if (!throughputOnly)
{
    await DetectionAsync(model, darknet);
}

var picture = Jpeg200K();
Console.WriteLine($"# e-mail picture: {picture.Length / 1024} KiB JPEG; {emails} e-mails per run, {runs} runs, median reported");
var rates = new List<double>();
var processing = new List<double>();
var cpuPerEvent = new List<double>();
for (var run = 0; run < runs; run++)
{
    var (rate, processed, cpu) = await ThroughputAsync(model, picture, emails);
    rates.Add(rate);
    processing.Add(processed);
    cpuPerEvent.Add(cpu);
    Console.WriteLine($"#   run {run + 1}: {rate:F0} e-mails/s accepted (250), {processed:F0} events/s processed, {cpu:F1} ms CPU per e-mail");
}

Console.WriteLine($"| e-mails accepted per second (250 after fsync), 8 connections | median {Median(rates):F0}/s | min {rates.Min():F0} | max {rates.Max():F0} |");
Console.WriteLine($"| events processed per second (parse + detect + store + notify decision) | median {Median(processing):F0}/s | min {processing.Min():F0} | max {processing.Max():F0} |");
// CPU time is what a loaded machine distorts least: it is the cost of one e-mail (accepting and
// processing, with the benchmark's SMTP clients, which run in the same process), whatever else runs.
Console.WriteLine($"| CPU time per e-mail, accepted and processed (process total, clients included) | median {Median(cpuPerEvent):F1} ms | min {cpuPerEvent.Min():F1} | max {cpuPerEvent.Max():F1} |");
Console.WriteLine($"# load average after: {LoadAverage()}");
if (!throughputOnly)
{
    await LatencyAsync(model, picture, 60);
}

static async Task DetectionAsync(string model, string darknet)
{
    var options = Microsoft.Extensions.Options.Options.Create(new VisionOptions { ModelPath = model, ModelUrl = "" });
    using var data = new TempDir();
    var locator = new DetectorModelLocator(options, new DataDirectory(data.Path), null!, Microsoft.Extensions.Logging.Abstractions.NullLogger<DetectorModelLocator>.Instance);
    using var detector = new ObjectDetector(options, locator, Microsoft.Extensions.Logging.Abstractions.NullLogger<ObjectDetector>.Instance);
    if (!await detector.EnsureLoadedAsync(CancellationToken.None))
    {
        throw new InvalidOperationException(detector.Problem);
    }

    var all = new List<double>();
    foreach (var name in new[] { "dog.jpg", "person.jpg", "eagle.jpg", "giraffe.jpg", "horses.jpg" })
    {
        var bytes = await File.ReadAllBytesAsync(Path.Combine(darknet, name));
        for (var i = 0; i < 3; i++)
        {
            detector.Detect(bytes);
        }

        var times = new List<double>();
        for (var i = 0; i < 30; i++)
        {
            var clock = Stopwatch.StartNew();
            detector.Detect(bytes);
            times.Add(clock.Elapsed.TotalMilliseconds);
        }

        all.AddRange(times);
        Console.WriteLine($"#   {name}: median {Median(times):F1} ms");
    }

    Console.WriteLine($"| detection per image (decode + letterbox + inference + NMS), 5 darknet pictures x 30 | median {Median(all):F1} ms | min {all.Min():F1} ms | max {all.Max():F1} ms |");
}

// Where one event's processing time goes: each step of SnapshotProcessor on the benchmark's
// e-mail, on one thread, median of `runs` after 5 warm-up rounds. The annotated copy is not a
// step of processing any more (AnnotatedPictureCache makes it when it is first asked for); it is
// still timed, as the cost of that first request, and left out of the total.
static async Task StagesAsync(string model, byte[] picture, int runs)
{
    const string OnDemand = "annotated copy (full decode, draw, encode), on the first request only, not in processing";
    var options = Microsoft.Extensions.Options.Options.Create(new VisionOptions { ModelPath = model, ModelUrl = "", InferenceThreads = 1 });
    using var data = new TempDir();
    var locator = new DetectorModelLocator(options, new DataDirectory(data.Path), null!, Microsoft.Extensions.Logging.Abstractions.NullLogger<DetectorModelLocator>.Instance);
    using var detector = new ObjectDetector(options, locator, Microsoft.Extensions.Logging.Abstractions.NullLogger<ObjectDetector>.Instance);
    if (!await detector.EnsureLoadedAsync(CancellationToken.None))
    {
        throw new InvalidOperationException(detector.Problem);
    }

    using var mime = new MemoryStream();
    Message(0, picture).WriteTo(mime);
    var message = mime.ToArray();
    var stages = new Dictionary<string, List<double>>();
    var directory = Path.Combine(data.Path, "events");
    Directory.CreateDirectory(directory);
    for (var i = -5; i < Math.Max(runs, 30); i++)
    {
        var clock = Stopwatch.StartNew();
        void Lap(string stage)
        {
            if (i >= 0)
            {
                (stages.TryGetValue(stage, out var list) ? list : stages[stage] = []).Add(clock.Elapsed.TotalMilliseconds);
            }

            clock.Restart();
        }

        var extraction = PictureExtractor.Extract(message, 40_000_000, int.MaxValue);
        var bytes = extraction.Pictures[0].Bytes;
        Lap("MIME parse + picture probe");
        var outcome = detector.Detect(bytes);
        Lap("detection (1 inference thread)");
        PictureRenderer.Thumbnail(bytes);
        Lap("thumbnail (decode at 1/4, resize, encode)");
        PictureRenderer.Annotate(bytes, outcome.Detections);
        Lap(OnDemand);
        var file = Path.Combine(directory, $"{i + 5}.jpg");
        await using (var stream = new FileStream(file, FileMode.Create))
        {
            await stream.WriteAsync(bytes);
            stream.Flush(flushToDisk: true);
        }

        Lap("original written + fsync");
        Vigil.Shared.DurableFile.FlushDirectory(directory);
        Lap("directory fsync");
    }

    Console.WriteLine($"| step of one event ({picture.Length / 1024} KiB JPEG, 1 thread) | median | min | max |");
    Console.WriteLine("|---|---:|---:|---:|");
    foreach (var (stage, times) in stages)
    {
        Console.WriteLine($"| {stage} | {Median(times):F1} ms | {times.Min():F1} ms | {times.Max():F1} ms |");
    }

    Console.WriteLine($"| total of processing (without the on-demand annotated copy) | {stages.Where(s => s.Key != OnDemand).Sum(s => Median(s.Value)):F1} ms | | |");
}

static async Task<(double Accepted, double Processed, double CpuPerEvent)> ThroughputAsync(string model, byte[] picture, int emails)
{
    await using var server = await BenchServer.StartAsync(model, relayPort: null);
    using var process = Process.GetCurrentProcess();
    var cpu = process.TotalProcessorTime;
    var clock = Stopwatch.StartNew();
    var next = -1;
    await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
    {
        using var client = await server.ConnectAsync();
        int i;
        while ((i = Interlocked.Increment(ref next)) < emails)
        {
            await client.SendAsync(Message(i, picture));
        }

        await client.DisconnectAsync(true);
    })));
    var accepted = emails / clock.Elapsed.TotalSeconds;
    await server.WaitForEventsAsync(emails, TimeSpan.FromMinutes(10));
    var processed = emails / clock.Elapsed.TotalSeconds;
    process.Refresh();
    return (accepted, processed, (process.TotalProcessorTime - cpu).TotalMilliseconds / emails);
}

static async Task LatencyAsync(string model, byte[] picture, int count)
{
    var port = FreePort();
    using var sink = Process.Start(new ProcessStartInfo("/usr/bin/python3", [Path.Combine(AppContext.BaseDirectory, "sink.py"), port.ToString(CultureInfo.InvariantCulture)]) { RedirectStandardOutput = true })!;
    var received = new ConcurrentDictionary<string, TimeSpan>();
    var clock = Stopwatch.StartNew();
    var ready = new TaskCompletionSource();
    _ = Task.Run(async () =>
    {
        while (await sink.StandardOutput.ReadLineAsync() is { } line)
        {
            if (line == "ready")
            {
                ready.TrySetResult();
            }
            else
            {
                received[line.Trim()] = clock.Elapsed;
            }
        }
    });
    await ready.Task.WaitAsync(TimeSpan.FromSeconds(30));
    try
    {
        await using var server = await BenchServer.StartAsync(model, port);
        using var client = await server.ConnectAsync();
        var accepted = new Dictionary<string, TimeSpan>();
        for (var i = 0; i < count; i++)
        {
            // One camera e-mail at a time, the next after the notification: latency, not queueing.
            var reply = await client.SendAsync(Message(i, picture));
            var key = reply.Split(' ')[^1].Trim();
            accepted[key] = clock.Elapsed;
            var deadline = Stopwatch.StartNew();
            while (!received.ContainsKey(key) && deadline.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(2);
            }
        }

        var latencies = accepted.Where(a => received.ContainsKey(a.Key)).Select(a => (received[a.Key] - a.Value).TotalMilliseconds).Order().ToList();
        Console.WriteLine($"| e-mail accepted (250) -> notification received by the loopback relay, {latencies.Count}/{count} e-mails | p50 {Percentile(latencies, 0.5):F0} ms | p95 {Percentile(latencies, 0.95):F0} ms | max {latencies[^1]:F0} ms |");
    }
    finally
    {
        sink.Kill();
    }
}

static MimeMessage Message(int i, byte[] picture)
{
    var message = new MimeMessage();
    message.From.Add(MailboxAddress.Parse("camera@example.com"));
    message.To.Add(MailboxAddress.Parse("owner@example.com"));
    message.Subject = "bench-" + i.ToString(CultureInfo.InvariantCulture);
    var body = new BodyBuilder { TextBody = "Motion" };
    body.Attachments.Add("snapshot.jpg", picture, new ContentType("image", "jpeg"));
    message.Body = body.ToMessageBody();
    return message;
}

static byte[] Jpeg200K()
{
    // Camera-like content: a picture from the darknet set, re-encoded at 1280x960 (about 200 KB).
    var source = SKBitmap.Decode(Path.Combine(Environment.GetEnvironmentVariable("VIGIL_TEST_DARKNET_DATA") ?? "/usr/share/darknet/data", "person.jpg"));
    using var scaled = source.Resize(new SKImageInfo(1280, 960), new SKSamplingOptions(SKFilterMode.Linear));
    foreach (var quality in new[] { 90, 85, 80, 75, 70, 60 })
    {
        using var image = SKImage.FromBitmap(scaled);
        var bytes = image.Encode(SKEncodedImageFormat.Jpeg, quality).ToArray();
        if (bytes.Length <= 220 * 1024)
        {
            return bytes;
        }
    }

    throw new InvalidOperationException("cannot make a 200 KB JPEG");
}

static double Median(List<double> values) => Percentile(values.Order().ToList(), 0.5);

static double Percentile(List<double> sorted, double p) => sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Round(p * (sorted.Count - 1)))];

static int FreePort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}

static string FindRoot()
{
    var directory = new DirectoryInfo(AppContext.BaseDirectory);
    while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Vigil.slnx")))
    {
        directory = directory.Parent;
    }

    return directory?.FullName ?? throw new InvalidOperationException("run from the repository");
}

static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

static string CpuModel() =>
    File.Exists("/proc/cpuinfo")
        ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU"
        : "unknown CPU";

internal sealed class TempDir : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("vigil-snap-bench-").FullName;

    public void Dispose() => Directory.Delete(Path, recursive: true);
}

/// <summary>The real server in this process (SQLite, fresh data directory), with one camera and one catch-all e-mail rule.</summary>
internal sealed class BenchServer : IAsyncDisposable
{
    private readonly Microsoft.AspNetCore.Builder.WebApplication _app;
    private readonly TempDir _data;
    private readonly CameraCredentials _camera;

    private BenchServer(Microsoft.AspNetCore.Builder.WebApplication app, TempDir data, CameraCredentials camera)
    {
        _app = app;
        _data = data;
        _camera = camera;
    }

    public static async Task<BenchServer> StartAsync(string model, int? relayPort)
    {
        var data = new TempDir();
        var settings = new Dictionary<string, string?>
        {
            ["Server:ListenAddress"] = "127.0.0.1",
            ["Server:HttpPort"] = "0",
            ["Server:HttpsPort"] = "0",
            ["Server:PublicHost"] = "localhost",
            ["Server:LogFormat"] = "Text",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Ingest:SmtpPort"] = "0",
            ["Ingest:AllowLoopbackAuthWithoutTls"] = "true",
            ["Ingest:MaxMessagesPerCameraPerMinute"] = "1000000",
            ["Ingest:MaxMessagesPerIpPerMinute"] = "1000000",
            ["Vision:ModelPath"] = model,
            ["Vision:ModelUrl"] = "",
            ["Notifications:Cooldown"] = "00:00:00",
            ["Notifications:MaxPerUserPerHour"] = "100000",
            ["Notifications:SmtpHost"] = "127.0.0.1",
            ["Notifications:SmtpPort"] = (relayPort ?? 9).ToString(CultureInfo.InvariantCulture),
            ["Notifications:SmtpSecurity"] = "None",
        };
        if (Environment.GetEnvironmentVariable("VIGIL_BENCH_INFERENCE_THREADS") is { Length: > 0 } threads)
        {
            settings["Vision:InferenceThreads"] = threads;
        }

        var app = VigilHost.BuildWebApplication(new DataDirectory(data.Path), settings);
        await VigilHost.StartAsync(app, CancellationToken.None);
        await using var scope = app.Services.CreateAsyncScope();
        // Cameras and rules belong to an account: the bench's owner first.
        var (owner, _) = await scope.ServiceProvider.GetRequiredService<Vigil.Server.Features.Identity.UserAccounts>().CreateWithTemporaryPasswordAsync("owner@example.com", admin: false, temporaryPassword: null, CancellationToken.None);
        var camera = (await scope.ServiceProvider.GetRequiredService<SnapshotCameraDirectory>().AddAsync(owner.Id, "Bench camera", CancellationToken.None)).Value!;
        if (relayPort is not null)
        {
            await scope.ServiceProvider.GetRequiredService<RuleDirectory>().AddAsync(new RuleSpecification(owner.Id, "Everything", [], [], 0, null, null, null, EmailOwner: true), CancellationToken.None);
        }

        return new BenchServer(app, data, camera);
    }

    public async Task<SmtpClient> ConnectAsync()
    {
        var client = new SmtpClient();
        await client.ConnectAsync("127.0.0.1", _app.Services.GetRequiredService<SmtpListener>().LocalEndPoint!.Port, SecureSocketOptions.None);
        await client.AuthenticateAsync(_camera.SmtpUsername, _camera.SmtpPassword);
        return client;
    }

    public async Task WaitForEventsAsync(int count, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        var spool = _app.Services.GetRequiredService<SnapshotSpool>();
        while (spool.Count > 0 && clock.Elapsed < timeout)
        {
            await Task.Delay(100);
        }

        if (spool.Count > 0)
        {
            throw new TimeoutException($"{spool.Count} of {count} messages still in the spool after {timeout}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _data.Dispose();
    }
}
