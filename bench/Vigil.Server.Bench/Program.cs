using System.Diagnostics;
using System.Globalization;
using System.Text;
using Vigil.Server.Bench;

// Registry-import benchmark (Foundation issue: "importing 10,000 rows on SQLite takes under 10 s").
// Usage: dotnet run -c Release --project bench/Vigil.Server.Bench -- [rows] [runs]
// Set VIGIL_TEST_POSTGRES to also measure PostgreSQL. Results go to docs/benchmarks.md by hand.
var rows = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10_000;
var runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5;
var work = Directory.CreateTempSubdirectory("vigil-bench-");
try
{
    var csv = Path.Combine(work.FullName, "devices.csv");
    var text = new StringBuilder("serial,secret,model\n");
    for (var i = 0; i < rows; i++)
    {
        text.Append(CultureInfo.InvariantCulture, $"SN-{i:D7},secret-{Guid.NewGuid():N},Model-{i % 7}\n");
    }

    await File.WriteAllTextAsync(csv, text.ToString());
    Console.WriteLine($"# {rows} rows ({new FileInfo(csv).Length / 1024} KiB CSV), {runs} runs each, median reported");
    Console.WriteLine($"# machine: {Environment.ProcessorCount} cores, {MachineInfo.CpuModel()}, .NET {Environment.Version}");

    var inProcess = await RegistryImportBenchmark.InProcessAsync(csv, "Sqlite", runs, work.FullName);
    Report("in-process parse + import, SQLite", inProcess);
    if (Environment.GetEnvironmentVariable("VIGIL_TEST_POSTGRES") is { Length: > 0 })
    {
        Report("in-process parse + import, PostgreSQL", await RegistryImportBenchmark.InProcessAsync(csv, "Postgres", runs, work.FullName));
    }

    Report("`vigil registry import` process, SQLite, fresh data dir", await RegistryImportBenchmark.CommandLineAsync(csv, runs, work.FullName));
}
finally
{
    work.Delete(recursive: true);
}

static void Report(string what, IReadOnlyList<TimeSpan> times)
{
    var sorted = times.OrderBy(t => t).ToList();
    var median = sorted[sorted.Count / 2];
    Console.WriteLine($"| {what} | median {median.TotalSeconds:F2} s | min {sorted[0].TotalSeconds:F2} s | max {sorted[^1].TotalSeconds:F2} s |");
}

namespace Vigil.Server.Bench
{
    internal static class MachineInfo
    {
        public static string CpuModel() =>
            File.Exists("/proc/cpuinfo")
                ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU"
                : "unknown CPU";
    }

    internal static class Timing
    {
        public static async Task<TimeSpan> MeasureAsync(Func<Task> action)
        {
            var clock = Stopwatch.StartNew();
            await action();
            return clock.Elapsed;
        }
    }
}
