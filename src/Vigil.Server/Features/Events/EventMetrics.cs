using System.Diagnostics.Metrics;
using Vigil.Server.Features.Ingest;
using Vigil.Server.Hosting.Metrics;

namespace Vigil.Server.Features.Events;

/// <summary>Meter <c>Vigil.Events</c>: events stored (by source), and how long after acceptance each was stored.</summary>
internal sealed class EventMetrics : IMetricSeries
{
    public const string MeterName = "Vigil.Events";

    private readonly Counter<long> _stored;
    private readonly Histogram<double> _latency;

    public EventMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _stored = meter.CreateCounter<long>("vigil.events.stored", "{event}", "Events stored (one per accepted message and camera), by source (smtp, webhook, upload)");
        _latency = meter.CreateHistogram("vigil.events.processing.latency", "s", "From a message's acceptance (its 250 / 202) to its event being stored: queueing in the spool included", advice: new InstrumentAdvice<double>
        {
            HistogramBucketBoundaries = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900],
        });
    }

    public void InitializeSeries()
    {
        foreach (var source in Enum.GetNames<SnapshotSource>())
        {
            _stored.Add(0, new KeyValuePair<string, object?>("source", source.ToLowerInvariant()));
        }
    }

    public void Stored(string source, TimeSpan sinceAccepted)
    {
        var tag = new KeyValuePair<string, object?>("source", source.ToLowerInvariant());
        _stored.Add(1, tag);
        _latency.Record(Math.Max(0, sinceAccepted.TotalSeconds), tag);
    }
}
