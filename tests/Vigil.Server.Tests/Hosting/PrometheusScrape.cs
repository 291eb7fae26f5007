using System.Globalization;
using System.Text.Json;
using Vigil.TestSupport;

namespace Vigil.Server.Tests.Hosting;

/// <summary>One sample of a scrape, as Prometheus's own Python parser read it.</summary>
internal sealed record PrometheusSample(string Family, string Type, string Name, IReadOnlyDictionary<string, string> Labels, double Value);

/// <summary>
/// A <c>/metrics</c> response parsed by prometheus_client's text-format parser (Debian's
/// python3-prometheus-client, run with /usr/bin/python3): a parser we did not write decides
/// whether the output is valid exposition.
/// </summary>
internal sealed class PrometheusScrape(string text, IReadOnlyList<PrometheusSample> samples)
{
    private const string Python = "/usr/bin/python3";

    public string Text { get; } = text;

    public IReadOnlyList<PrometheusSample> Samples { get; } = samples;

    public static async Task<PrometheusScrape> ParseAsync(string text, CancellationToken cancellationToken)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "Hosting", "parse_metrics.py");
        var result = await ProcessRunner.RunAsync(Python, [script], standardInput: text, timeout: TimeSpan.FromSeconds(60), cancellationToken: cancellationToken);
        if (result.StandardError.Contains("No module named 'prometheus_client'", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("This test needs python3-prometheus-client for /usr/bin/python3: run ./test.sh, which installs it from Debian.");
        }

        Assert.True(result.ExitCode == 0, $"prometheus_client could not parse /metrics: {result.StandardError}");
        var samples = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line =>
        {
            var json = JsonDocument.Parse(line).RootElement;
            var labels = json.GetProperty("labels").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
            var value = json.GetProperty("value").ValueKind == JsonValueKind.Number
                ? json.GetProperty("value").GetDouble()
                : double.Parse(json.GetProperty("value").GetString()!, CultureInfo.InvariantCulture);
            return new PrometheusSample(json.GetProperty("family").GetString()!, json.GetProperty("type").GetString()!, json.GetProperty("name").GetString()!, labels, value);
        }).ToList();
        return new PrometheusScrape(text, samples);
    }

    /// <summary>The sum of the samples with this name whose labels include every given pair.</summary>
    public double Sum(string name, params (string Label, string Value)[] labels) =>
        Samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Label, out var v) && v == l.Value)).Sum(s => s.Value);

    public bool Has(string name) => Samples.Any(s => s.Name == name);

    public string TypeOf(string family) => Samples.First(s => s.Family == family).Type;
}
