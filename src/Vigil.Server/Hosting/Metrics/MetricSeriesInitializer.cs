namespace Vigil.Server.Hosting.Metrics;

/// <summary>
/// Once every hosted service has started (so the exporter's listener is on and a measurement
/// is not lost), reports the known label combinations of each <see cref="IMetricSeries"/> as 0.
/// </summary>
internal sealed class MetricSeriesInitializer(IEnumerable<IMetricSeries> series) : IHostedLifecycleService
{
    public Task StartedAsync(CancellationToken cancellationToken)
    {
        foreach (var meter in series)
        {
            meter.InitializeSeries();
        }

        return Task.CompletedTask;
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
