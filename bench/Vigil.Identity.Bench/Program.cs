using System.Diagnostics;
using System.Globalization;
using Vigil.Identity.Bench;

// Identity load generator: requests per second of GET /api/me with a valid access token (token
// validation + the active-account check), and the p95 latency of the sign-in page, against the
// real `vigil serve` process on 127.0.0.1 (SQLite, fresh data directory).
// With the fourth argument "viewer": requests per second and latency of POST
// /api/cameras/{id}/viewer-credentials and GET /api/cameras/{id}/viewer-url for a bound, provisioned
// camera (token validation, active account, owner-scoped camera lookup, credentials issued and, for
// the URL, pre-signed), instead of the two rows above.
// Usage: dotnet run -c Release --project bench/Vigil.Identity.Bench -- [connections] [seconds] [runs] [viewer]
var connections = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 16;
var seconds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10;
var runs = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 3;

await using var server = await BenchServer.StartAsync();
var token = await server.GetAccessTokenAsync();
Console.WriteLine($"# {connections} connections, {seconds} s per run, {runs} runs, median reported");
Console.WriteLine($"# machine: {Environment.ProcessorCount} cores, {BenchServer.CpuModel()}, .NET {Environment.Version}, load average {BenchServer.LoadAverage()}");

if (args.Length > 3 && args[3] == "viewer")
{
    var camera = await ViewerSetup.BindProvisionedCameraAsync(server, token);
    var credentials = new List<LoadResult>();
    var url = new List<LoadResult>();
    for (var run = 0; run < runs; run++)
    {
        credentials.Add(await LoadGenerator.RunAsync(server.CreateClient(connections), $"/api/cameras/{camera}/viewer-credentials", token, connections, TimeSpan.FromSeconds(seconds), HttpMethod.Post));
        url.Add(await LoadGenerator.RunAsync(server.CreateClient(connections), $"/api/cameras/{camera}/viewer-url", token, connections, TimeSpan.FromSeconds(seconds)));
    }

    Report("POST /api/cameras/{id}/viewer-credentials", credentials);
    Report("GET /api/cameras/{id}/viewer-url", url);
    return;
}

var me = new List<LoadResult>();
var signIn = new List<LoadResult>();
for (var run = 0; run < runs; run++)
{
    me.Add(await LoadGenerator.RunAsync(server.CreateClient(connections), "/api/me", token, connections, TimeSpan.FromSeconds(seconds)));
    signIn.Add(await LoadGenerator.RunAsync(server.CreateClient(connections), "/account/signin", null, connections, TimeSpan.FromSeconds(seconds)));
}

Report("GET /api/me (bearer token)", me);
Report("GET /account/signin (page)", signIn);

static void Report(string what, List<LoadResult> results)
{
    var byRate = results.OrderBy(r => r.RequestsPerSecond).ToList();
    var median = byRate[byRate.Count / 2];
    Console.WriteLine($"| {what} | {median.RequestsPerSecond:F0} req/s (min {byRate[0].RequestsPerSecond:F0}, max {byRate[^1].RequestsPerSecond:F0}) | p50 {median.P50.TotalMilliseconds:F1} ms | p95 {median.P95.TotalMilliseconds:F1} ms | p99 {median.P99.TotalMilliseconds:F1} ms | errors {results.Sum(r => r.Errors)} |");
}

namespace Vigil.Identity.Bench
{
    internal sealed record LoadResult(double RequestsPerSecond, TimeSpan P50, TimeSpan P95, TimeSpan P99, int Errors);

    /// <summary>A closed loop per connection: send, wait for the answer, send again, for a fixed time.</summary>
    internal static class LoadGenerator
    {
        public static async Task<LoadResult> RunAsync(HttpClient client, string path, string? token, int connections, TimeSpan duration, HttpMethod? method = null)
        {
            method ??= HttpMethod.Get;
            using (client)
            {
                // Warm-up: connections open, code jitted.
                await Task.WhenAll(Enumerable.Range(0, connections).Select(_ => SendAsync(client, method, path, token)));
                var latencies = new List<double>[connections];
                var errors = 0;
                var clock = Stopwatch.StartNew();
                await Task.WhenAll(Enumerable.Range(0, connections).Select(async c =>
                {
                    latencies[c] = [];
                    while (clock.Elapsed < duration)
                    {
                        var start = Stopwatch.GetTimestamp();
                        if (!await SendAsync(client, method, path, token))
                        {
                            Interlocked.Increment(ref errors);
                        }

                        latencies[c].Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                    }
                }));
                var elapsed = clock.Elapsed;
                var all = latencies.SelectMany(l => l).Order().ToArray();
                return new LoadResult(all.Length / elapsed.TotalSeconds, Percentile(all, 0.50), Percentile(all, 0.95), Percentile(all, 0.99), errors);
            }
        }

        private static async Task<bool> SendAsync(HttpClient client, HttpMethod method, string path, string? token)
        {
            using var request = new HttpRequestMessage(method, path);
            if (token is not null)
            {
                request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            }

            using var response = await client.SendAsync(request);
            await response.Content.CopyToAsync(Stream.Null);
            return response.IsSuccessStatusCode;
        }

        private static TimeSpan Percentile(double[] sorted, double p) =>
            sorted.Length == 0 ? TimeSpan.Zero : TimeSpan.FromMilliseconds(sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)]);
    }
}
