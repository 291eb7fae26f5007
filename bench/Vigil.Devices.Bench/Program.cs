using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using MQTTnet;
using Vigil.Devices.Bench;

// Usage:
//   dotnet run -c Release --project bench/Vigil.Devices.Bench -- provision [devices=2000] [concurrency=64] [runs=3]
//   dotnet run -c Release --project bench/Vigil.Devices.Bench -- connections [devices=10000] [concurrency=64]
// With VIGIL__Storage__Provider=Postgres, VIGIL__Storage__ConnectionString and VIGIL__Cluster__Redis set, provision
// runs two cluster nodes (node 2 given node 1's keys by cluster export-keys/import-keys) and sends every other
// device to node 2; the server CPU reported is both nodes'.
// Prints Markdown rows for docs/benchmarks.md.
var mode = args.ElementAtOrDefault(0) ?? "provision";
var devices = int.Parse(args.ElementAtOrDefault(1) ?? (mode == "connections" ? "10000" : "2000"), CultureInfo.InvariantCulture);
var concurrency = int.Parse(args.ElementAtOrDefault(2) ?? "64", CultureInfo.InvariantCulture);
var runs = mode == "connections" ? 0 : int.Parse(args.ElementAtOrDefault(3) ?? "3", CultureInfo.InvariantCulture);
using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(30));
var ct = stop.Token;

using var server = new VigilServerProcess();
Directory.CreateDirectory(server.Data);
var registry = Path.Combine(server.Data, "..", $"{Path.GetFileName(server.Data)}-registry.csv");
// An unmeasured warm-up of 2,000 provisions first: the figures are for a server that has been up
// for a while. Measured runs after a 500-device warm-up took 12, 9, then a steady 5 ms of server
// CPU per device: the runtime defers tier-1 JIT while new methods keep appearing (EF Core
// compiles each query shape on first use), so a fresh server runs unoptimized code for ~20 s.
var warmup = runs > 0 ? 2000 : 0;
var serials = Enumerable.Range(0, Math.Max((devices * runs) + warmup, 1)).Select(i => $"BENCH-{i:D6}").ToList();
await File.WriteAllLinesAsync(registry, ["serial,secret,model", .. serials.Select(s => $"{s},secret-{s},Bench camera")], ct);
await server.RunAsync("registry", "import", registry);
File.Delete(registry);
var bundle = Path.Combine(server.Data, "bundle");
await server.RunAsync("claim", "create", "--out", bundle);
using var claim = X509Certificate2.CreateFromPemFile(Path.Combine(bundle, "claim.cert.pem"), Path.Combine(bundle, "claim.private.key"));
using var root = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(Path.Combine(bundle, "root-ca.pem"), ct));
using var node2 = server.Environment.ContainsKey("VIGIL__Cluster__Redis") && mode == "provision" ? new VigilServerProcess() : null;
if (node2 is not null)
{
    const string passphrase = "bench passphrase, not a secret\n";
    var keys = Path.Combine(server.Data, "cluster.keys");
    await server.RunWithInputAsync(passphrase, "cluster", "export-keys", "--out", keys);
    await node2.RunWithInputAsync(passphrase, "cluster", "import-keys", keys);
}

await server.StartAsync(ct);
Console.Error.WriteLine($"vigil serve pid {server.ProcessId}, MQTT on {server.MqttPort}, {Environment.ProcessorCount} cores, .NET {Environment.Version}");
if (node2 is not null)
{
    await node2.StartAsync(ct);
    Console.Error.WriteLine($"node 2: vigil serve pid {node2.ProcessId}, MQTT on {node2.MqttPort}");
}

// One node, or every other device to node 2.
int PortOf(SimulatedCamera camera) => node2 is not null && int.Parse(camera.Serial.AsSpan(camera.Serial.Length - 1), CultureInfo.InvariantCulture) % 2 == 1 ? node2.MqttPort : server.MqttPort;
TimeSpan ServerCpu() => server.CpuTime() + (node2?.CpuTime() ?? TimeSpan.Zero);

var rates = new List<double>();
if (warmup > 0)
{
    var batch = serials.TakeLast(warmup).Select(s => new SimulatedCamera(s)).ToList();
    Parallel.ForEach(batch, c => c.Prepare());
    await RunConcurrentlyAsync(batch, concurrency, c => c.ProvisionAsync("127.0.0.1", PortOf(c), root, claim, "VigilCameraTemplate", ct));
    // Then a pause: the runtime compiles the hot methods at tier 1 in the background, which
    // otherwise competes with the first measured run (it took 7.5-8.3 ms of server CPU per device
    // against 5.0 in the next ones).
    await Task.Delay(TimeSpan.FromSeconds(15), ct);
    Console.Error.WriteLine($"warm-up: {warmup} devices provisioned (not measured)");
}

for (var run = 0; run < runs; run++)
{
    var batch = serials.Skip(run * devices).Take(devices).Select(s => new SimulatedCamera(s)).ToList();
    Parallel.ForEach(batch, c => c.Prepare());
    var serverCpu = ServerCpu();
    var generatorCpu = Process.GetCurrentProcess().TotalProcessorTime;
    var watch = Stopwatch.StartNew();
    await RunConcurrentlyAsync(batch, concurrency, c => c.ProvisionAsync("127.0.0.1", PortOf(c), root, claim, "VigilCameraTemplate", ct));
    watch.Stop();
    var rate = devices / watch.Elapsed.TotalSeconds;
    rates.Add(rate);
    var serverMs = (ServerCpu() - serverCpu).TotalMilliseconds / devices;
    var generatorMs = (Process.GetCurrentProcess().TotalProcessorTime - generatorCpu).TotalMilliseconds / devices;
    Console.Error.WriteLine($"run {run + 1}: {devices} devices provisioned in {watch.Elapsed.TotalSeconds:F1} s = {rate:F0}/s; CPU per device: server {serverMs:F1} ms, load generator {generatorMs:F1} ms");
}

rates.Sort();
if (rates.Count > 0)
{
    Console.WriteLine($"| provision end to end (TLS connect + CreateCertificateFromCsr + RegisterThing), {devices} devices, {concurrency} concurrent{(node2 is null ? "" : ", two nodes")} | {rates[rates.Count / 2]:F0}/s | {rates[0]:F0}/s | {rates[^1]:F0}/s |");
}

if (mode == "connections")
{
    var before = server.ResidentBytes();
    var clients = new System.Collections.Concurrent.ConcurrentBag<IMqttClient>();
    var watch = Stopwatch.StartNew();
    // Held with the claim certificate and distinct client ids: the same TLS, client-certificate,
    // registry and authorization path as device certificates, without provisioning 10,000 things first.
    var ids = Enumerable.Range(0, devices).Select(i => $"HOLD-{i:D6}").ToList();
    await RunConcurrentlyAsync(ids, concurrency, async id => clients.Add(await SimulatedCamera.ConnectHoldingAsync("127.0.0.1", server.MqttPort, root, claim, id, ct)));
    watch.Stop();
    await Task.Delay(TimeSpan.FromSeconds(10), ct); // let the server settle (presence writes) before measuring
    GC.KeepAlive(clients);
    var connected = clients.Count(c => c.IsConnected);
    var after = server.ResidentBytes();
    Console.WriteLine($"| {connected} connections held (TLS + claim client certificate, MQTT 5) | connected in {watch.Elapsed.TotalSeconds:F1} s ({connected / watch.Elapsed.TotalSeconds:F0}/s) | server RSS {after / (1024 * 1024)} MiB ({before / (1024 * 1024)} MiB before, {(after - before) / (double)connected / 1024:F1} KiB per connection) |");
    foreach (var client in clients)
    {
        client.Dispose();
    }
}

static async Task RunConcurrentlyAsync<T>(IReadOnlyList<T> items, int concurrency, Func<T, Task> work)
{
    var next = -1;
    var workers = Enumerable.Range(0, concurrency).Select(async _ =>
    {
        int index;
        while ((index = Interlocked.Increment(ref next)) < items.Count)
        {
            await work(items[index]);
        }
    });
    await Task.WhenAll(workers);
}
