namespace Vigil.Server.Hosting.Metrics;

/// <summary>
/// A feature's meter whose counters have a small, fixed set of label combinations. Those are
/// reported as 0 from the start (Prometheus's advice: a series that appears only with its first
/// event makes <c>rate()</c> and alerts blind until then).
/// </summary>
internal interface IMetricSeries
{
    /// <summary>Adds 0 to every known label combination; called once the exporter listens.</summary>
    void InitializeSeries();
}
