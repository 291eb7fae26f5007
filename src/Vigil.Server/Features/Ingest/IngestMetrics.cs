using System.Diagnostics.Metrics;
using Vigil.Server.Hosting.Metrics;

namespace Vigil.Server.Features.Ingest;

/// <summary>
/// Meter <c>Vigil.Ingest</c>: SMTP sessions, messages accepted (by source) and refused (by source
/// and a fixed reason), and the spool: entries waiting to become events and the age of the oldest.
/// </summary>
internal sealed class IngestMetrics : IMetricSeries
{
    public const string MeterName = "Vigil.Ingest";

    private readonly Counter<long> _sessions;
    private readonly Counter<long> _accepted;
    private readonly Counter<long> _refused;
    private int _activeSessions;

    public IngestMetrics(IMeterFactory meters, SnapshotSpool spool, TimeProvider time)
    {
        var meter = meters.Create(MeterName);
        _sessions = meter.CreateCounter<long>("vigil.smtp.sessions", "{session}", "SMTP connections accepted");
        meter.CreateObservableGauge("vigil.smtp.sessions.active", () => Volatile.Read(ref _activeSessions), "{session}", "SMTP sessions open now");
        _accepted = meter.CreateCounter<long>("vigil.ingest.messages.accepted", "{message}", "Camera messages spooled (one per camera addressed), by source (smtp, webhook, upload)");
        _refused = meter.CreateCounter<long>("vigil.ingest.messages.refused", "{message}", "Camera messages refused, by source and reason");
        meter.CreateObservableGauge("vigil.spool.entries", () => spool.Statistics().Entries, "{message}", "Accepted messages in the spool, not yet events");
        meter.CreateObservableGauge("vigil.spool.oldest.age", () => spool.Statistics().OldestAge(time.GetUtcNow()).TotalSeconds, "s", "Age of the oldest entry in the spool (0 when empty)");
    }

    public void InitializeSeries()
    {
        _sessions.Add(0);
        foreach (var source in Enum.GetValues<SnapshotSource>())
        {
            _accepted.Add(0, new KeyValuePair<string, object?>("source", SourceName(source)));
        }
    }

    public void SessionOpened()
    {
        _sessions.Add(1);
        Interlocked.Increment(ref _activeSessions);
    }

    public void SessionClosed() => Interlocked.Decrement(ref _activeSessions);

    public void Accepted(SnapshotSource source, int entries) =>
        _accepted.Add(entries, new KeyValuePair<string, object?>("source", SourceName(source)));

    public void Refused(SnapshotSource source, string reason) =>
        _refused.Add(1, new("source", SourceName(source)), new("reason", reason));

    private static string SourceName(SnapshotSource source) => source switch
    {
        SnapshotSource.Smtp => "smtp",
        SnapshotSource.Webhook => "webhook",
        _ => "upload",
    };
}
