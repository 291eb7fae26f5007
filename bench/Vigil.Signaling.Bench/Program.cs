using System.Globalization;
using Vigil.Signaling.Bench;

// Signaling hub load generator (issue 4: "concurrent signaling WebSockets held open, target at least
// 10,000 on this 2-core machine, server RSS reported; offer/answer relay latency p50/p99 at 1,000
// messages/s, target p99 under 5 ms on loopback"). Build the server first:
//   dotnet build src/Vigil.Server -c Release
//   dotnet run -c Release --project bench/Vigil.Signaling.Bench -- connections 10000 [runs]
//   dotnet run -c Release --project bench/Vigil.Signaling.Bench -- latency 1000 [seconds] [runs]
//   dotnet run -c Release --project bench/Vigil.Signaling.Bench -- soak [--cameras 1000] [--viewers 5000] [--minutes 10] [--period 20]
//   dotnet run -c Release --project bench/Vigil.Signaling.Bench -- restart [--cameras 200] [--viewers 100] [--runs 1] [--no-mail]
//   VIGIL_BENCH_POSTGRES=... VIGIL_BENCH_REDIS=host:port \
//   dotnet run -c Release --project bench/Vigil.Signaling.Bench -- cluster-latency 1000 [seconds] [runs]
//   VIGIL_BENCH_POSTGRES=... VIGIL_BENCH_REDIS=host:port \
//   dotnet run -c Release --project bench/Vigil.Signaling.Bench -- cluster-connections 10000 [runs]
// Each run starts a fresh `vigil serve` process (SQLite, loopback); the median run is reported.
// Results go to docs/benchmarks.md by hand.
var mode = args.Length > 0 ? args[0] : "latency";
var runs = 3;
Console.WriteLine($"# machine: {Environment.ProcessorCount} cores, {CpuModel()}, .NET {Environment.Version}");
switch (mode)
{
    case "connections":
        {
            var count = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10_000;
            runs = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : runs;
            var results = new List<ConnectionResult>();
            for (var run = 1; run <= runs; run++)
            {
                var result = await ConnectionBenchmark.RunAsync(count, parallelism: 64, hold: TimeSpan.FromSeconds(70));
                Console.WriteLine($"run {run}: {result}");
                results.Add(result);
            }

            var median = results.OrderBy(r => r.HeldKiB).ElementAt(results.Count / 2);
            Console.WriteLine($"median (by RSS): {median}");
            break;
        }

    case "latency":
        {
            var rate = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1000;
            var seconds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 20;
            runs = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : runs;
            var results = new List<LatencyResult>();
            for (var run = 1; run <= runs; run++)
            {
                var result = await RelayLatencyBenchmark.RunAsync(rate, TimeSpan.FromSeconds(seconds), TimeSpan.FromSeconds(3));
                Console.WriteLine($"run {run}: {result}");
                results.Add(result);
            }

            var median = results.OrderBy(r => r.P99).ElementAt(results.Count / 2);
            Console.WriteLine($"median (by p99): {median}");
            break;
        }

    case "cluster-connections":
        {
            // Two nodes hold the sockets (half each); each node's RSS is reported.
            if (ClusterSettings() is not { } cluster)
            {
                return 2;
            }

            var count = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10_000;
            runs = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : runs;
            var results = new List<ConnectionResult>();
            for (var run = 1; run <= runs; run++)
            {
                var result = await ConnectionBenchmark.RunAsync(count, parallelism: 64, hold: TimeSpan.FromSeconds(70), cluster());
                Console.WriteLine($"run {run}: {result}");
                results.Add(result);
            }

            var median = results.OrderBy(r => r.HeldKiB + r.Node2!.Value.HeldKiB).ElementAt(results.Count / 2);
            Console.WriteLine($"median (by RSS of both): {median}");
            break;
        }

    case "cluster-latency":
        {
            // Two nodes (docs/scale-out.md): masters on node 1, viewers on node 2. PostgreSQL and Redis from the
            // environment (./test.sh's, or your own): VIGIL_BENCH_POSTGRES (a user that may create databases),
            // VIGIL_BENCH_REDIS (host:port); each run uses a new database.
            var postgres = Environment.GetEnvironmentVariable("VIGIL_BENCH_POSTGRES") ?? Environment.GetEnvironmentVariable("VIGIL_TEST_POSTGRES");
            var redis = Environment.GetEnvironmentVariable("VIGIL_BENCH_REDIS") ?? Environment.GetEnvironmentVariable("VIGIL_TEST_REDIS");
            if (string.IsNullOrEmpty(postgres) || string.IsNullOrEmpty(redis))
            {
                Console.Error.WriteLine("cluster-latency needs VIGIL_BENCH_POSTGRES (Npgsql connection string) and VIGIL_BENCH_REDIS (host:port)");
                return 2;
            }

            var rate = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1000;
            var seconds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 20;
            runs = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : runs;
            var results = new List<LatencyResult>();
            for (var run = 1; run <= runs; run++)
            {
                var database = string.Join(';', postgres.Split(';', StringSplitOptions.RemoveEmptyEntries)
                    .Where(p => !p.TrimStart().StartsWith("Database=", StringComparison.OrdinalIgnoreCase))
                    .Append($"Database=vigil_bench_{Guid.NewGuid():N}"));
                var result = await RelayLatencyBenchmark.RunAsync(rate, TimeSpan.FromSeconds(seconds), TimeSpan.FromSeconds(3), new Dictionary<string, string>
                {
                    ["Storage:Provider"] = "Postgres",
                    ["Storage:ConnectionString"] = database,
                    ["Cluster:Redis"] = redis,
                });
                Console.WriteLine($"run {run}: {result}");
                results.Add(result);
            }

            var median = results.OrderBy(r => r.P99).ElementAt(results.Count / 2);
            Console.WriteLine($"median (by p99): {median}");
            break;
        }

    case "soak":
        {
            // Issue 19: 1,000 cameras and 5,000 viewers signaling for 10 minutes; errors 0, every message exactly
            // once, server RSS at the end within 10 % of the RSS after the first minute.
            var cameras = Option("--cameras", 1000);
            var viewers = Option("--viewers", 5000);
            var minutes = Option("--minutes", 10.0);
            var period = TimeSpan.FromSeconds(Option("--period", 20.0));
            var limit = DescriptorLimit.Ensure((ulong)(cameras + viewers) + 2048);
            Console.WriteLine($"# {DescriptorLimit.Describe(limit)}; load average {SoakBenchmark.LoadAverage()}");
            if (limit.Soft < (ulong)(cameras + viewers) + 1024)
            {
                Console.Error.WriteLine($"not enough descriptors for {cameras + viewers} sockets: raise the hard limit (ulimit -Hn)");
                return 2;
            }

            var result = await SoakBenchmark.RunAsync(cameras, viewers, TimeSpan.FromMinutes(minutes), period, line => Console.WriteLine($"  {line}"));
            Console.WriteLine(result);
            var rssOk = Math.Abs(result.RssChange) <= 0.10;
            Console.WriteLine($"verdict: errors {(result.ErrorTotal == 0 ? "0 (ok)" : result.ErrorTotal + " (FAIL)")}, exactly once {(result.Relayed.ExactlyOnce ? "ok" : "FAIL")}, RSS within 10 % {(rssOk ? "ok" : "FAIL")}");
            return result.ErrorTotal == 0 && result.Relayed.ExactlyOnce && rssOk ? 0 : 1;
        }

    case "restart":
        {
            // Issue 19: vigil serve restarted under load; cameras online and viewers back within 10 s, no accepted e-mail lost.
            var cameras = Option("--cameras", 200);
            var viewers = Option("--viewers", 100);
            runs = Option("--runs", 1);
            var failed = false;
            for (var run = 1; run <= runs; run++)
            {
                Console.WriteLine($"run {run}: load average {SoakBenchmark.LoadAverage()}");
                var result = await RestartBenchmark.RunAsync(cameras, viewers, !args.Contains("--no-mail"), line => Console.WriteLine($"  {line}"));
                Console.WriteLine(result);
                failed |= !result.Passed;
            }

            return failed ? 1 : 0;
        }

    default:
        Console.Error.WriteLine("usage: Vigil.Signaling.Bench connections [count] [runs] | latency [messages/s] [seconds] [runs] | cluster-latency [messages/s] [seconds] [runs] | cluster-connections [count] [runs] | soak [--cameras N] [--viewers N] [--minutes M] [--period S] | restart [--cameras N] [--viewers N] [--runs N] [--no-mail]");
        return 2;
}

return 0;

T Option<T>(string name, T fallback)
    where T : IParsable<T>
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? T.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
}

// PostgreSQL and Redis from the environment (./test.sh's, or your own): VIGIL_BENCH_POSTGRES (a user that may
// create databases), VIGIL_BENCH_REDIS (host:port). Each call gives settings with a new database.
static Func<Dictionary<string, string>>? ClusterSettings()
{
    var postgres = Environment.GetEnvironmentVariable("VIGIL_BENCH_POSTGRES") ?? Environment.GetEnvironmentVariable("VIGIL_TEST_POSTGRES");
    var redis = Environment.GetEnvironmentVariable("VIGIL_BENCH_REDIS") ?? Environment.GetEnvironmentVariable("VIGIL_TEST_REDIS");
    if (string.IsNullOrEmpty(postgres) || string.IsNullOrEmpty(redis))
    {
        Console.Error.WriteLine("cluster modes need VIGIL_BENCH_POSTGRES (Npgsql connection string) and VIGIL_BENCH_REDIS (host:port)");
        return null;
    }

    return () => new Dictionary<string, string>
    {
        ["Storage:Provider"] = "Postgres",
        ["Storage:ConnectionString"] = string.Join(';', postgres.Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Where(p => !p.TrimStart().StartsWith("Database=", StringComparison.OrdinalIgnoreCase))
            .Append($"Database=vigil_bench_{Guid.NewGuid():N}")),
        ["Cluster:Redis"] = redis,
    };
}

static string CpuModel() =>
    File.Exists("/proc/cpuinfo")
        ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU"
        : "unknown CPU";
