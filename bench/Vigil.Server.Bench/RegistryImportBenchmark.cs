using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Vigil.Server.Features.Devices;
using Vigil.Server.Hosting;

namespace Vigil.Server.Bench;

internal static class RegistryImportBenchmark
{
    /// <summary>Reads, parses and imports the file through the same services the CLI uses, on a fresh database each run.</summary>
    public static async Task<IReadOnlyList<TimeSpan>> InProcessAsync(string csv, string provider, int runs, string work)
    {
        var times = new List<TimeSpan>();
        for (var run = 0; run < runs; run++)
        {
            var data = new DataDirectory(Path.Combine(work, $"{provider}-{run}"));
            var settings = new Dictionary<string, string?> { ["Storage:Provider"] = provider };
            string? database = null;
            if (provider == "Postgres")
            {
                database = $"vigil_bench_{Guid.NewGuid():N}";
                await ExecuteAsync($"CREATE DATABASE \"{database}\"");
                settings["Storage:ConnectionString"] = new NpgsqlConnectionStringBuilder(Admin) { Database = database }.ConnectionString;
            }

            using var host = VigilHost.BuildCommandHost(data, settings);
            await host.Services.GetRequiredService<VigilInitializer>().InitializeAsync(CancellationToken.None);
            times.Add(await Timing.MeasureAsync(async () =>
            {
                var content = await File.ReadAllBytesAsync(csv);
                var parsed = RegistryFileParser.Parse(content, RegistryFileFormat.Csv);
                await using var scope = host.Services.CreateAsyncScope();
                var result = await scope.ServiceProvider.GetRequiredService<RegistryImporter>().ImportAsync(parsed.Rows, "bench.csv", dryRun: false, CancellationToken.None);
                if (!result.Committed || result.Added != parsed.Rows.Count)
                {
                    throw new InvalidOperationException("the import did not add every row");
                }
            }));

            if (database is not null)
            {
                NpgsqlConnection.ClearAllPools();
                await ExecuteAsync($"DROP DATABASE \"{database}\" WITH (FORCE)");
            }
        }

        return times;
    }

    /// <summary>The operator's view: the whole <c>vigil registry import</c> process on a fresh data directory (includes start-up, CA creation and migration).</summary>
    public static async Task<IReadOnlyList<TimeSpan>> CommandLineAsync(string csv, int runs, string work)
    {
        var vigil = Path.Combine(AppContext.BaseDirectory, "vigil");
        var times = new List<TimeSpan>();
        for (var run = 0; run < runs; run++)
        {
            var data = Path.Combine(work, $"cli-{run}");
            times.Add(await Timing.MeasureAsync(async () =>
            {
                using var process = Process.Start(new ProcessStartInfo(vigil, ["--data", data, "registry", "import", csv]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
                var output = await process.StandardOutput.ReadToEndAsync();
                await process.WaitForExitAsync();
                if (process.ExitCode != 0)
                {
                    throw new InvalidOperationException($"vigil registry import failed: {await process.StandardError.ReadToEndAsync()}{output}");
                }
            }));
        }

        return times;
    }

    private static string Admin => Environment.GetEnvironmentVariable("VIGIL_TEST_POSTGRES")!;

    private static async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Admin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
