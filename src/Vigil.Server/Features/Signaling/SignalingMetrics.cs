using System.Diagnostics.Metrics;
using Vigil.Server.Hosting.Metrics;

namespace Vigil.Server.Features.Signaling;

/// <summary>
/// Meter <c>Vigil.Signaling</c>: open signaling WebSockets by role, messages relayed by type, the
/// relay latency, refusals (of connections, by role and the KVS error type answered; of messages,
/// by reason), and TURN credentials handed out. No channel or client id becomes a label.
/// </summary>
internal sealed class SignalingMetrics : IMetricSeries
{
    public const string MeterName = "Vigil.Signaling";

    private readonly Counter<long> _relayed;
    private readonly Histogram<double> _relayDuration;
    private readonly Counter<long> _connectionRefusals;
    private readonly Counter<long> _messageRefusals;
    private readonly Counter<long> _turnCredentials;
    private int _masters;
    private int _viewers;

    public SignalingMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        meter.CreateObservableGauge("vigil.signaling.connections", ObserveConnections, "{connection}", "Open signaling WebSockets, by role (master, viewer)");
        _relayed = meter.CreateCounter<long>("vigil.signaling.messages", "{message}", "Messages accepted for relay, by type (sdp_offer, sdp_answer, ice_candidate)");
        _relayDuration = meter.CreateHistogram("vigil.signaling.relay.duration", "s", "From a message read off the sender's WebSocket to its frame queued for the recipient (or kept for an absent one)", advice: new InstrumentAdvice<double>
        {
            HistogramBucketBoundaries = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1],
        });
        _connectionRefusals = meter.CreateCounter<long>("vigil.signaling.connection.refusals", "{connection}", "Signaling WebSockets refused before the upgrade, by role and KVS error type");
        _messageRefusals = meter.CreateCounter<long>("vigil.signaling.message.refusals", "{message}", "Client messages refused, by reason (invalid, rate_limited, no_recipient)");
        _turnCredentials = meter.CreateCounter<long>("vigil.turn.credentials.issued", "{credential}", "TURN credentials handed out with GetIceServerConfig");
    }

    public void InitializeSeries()
    {
        _turnCredentials.Add(0);
        foreach (var type in new[] { "sdp_offer", "sdp_answer", "ice_candidate" })
        {
            _relayed.Add(0, new KeyValuePair<string, object?>("type", type));
        }
    }

    public void Connected(bool master) => Interlocked.Increment(ref master ? ref _masters : ref _viewers);

    public void Disconnected(bool master) => Interlocked.Decrement(ref master ? ref _masters : ref _viewers);

    public void Relayed(SignalingAction action, TimeSpan elapsed)
    {
        var type = new KeyValuePair<string, object?>("type", action switch
        {
            SignalingAction.SdpOffer => "sdp_offer",
            SignalingAction.SdpAnswer => "sdp_answer",
            _ => "ice_candidate",
        });
        _relayed.Add(1, type);
        _relayDuration.Record(elapsed.TotalSeconds, type);
    }

    public void ConnectionRefused(bool master, string errorType) =>
        _connectionRefusals.Add(1, new("role", master ? "master" : "viewer"), new("reason", errorType));

    public void MessageRefused(string reason) => _messageRefusals.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void TurnCredentialsIssued(int count) => _turnCredentials.Add(count);

    private IEnumerable<Measurement<int>> ObserveConnections()
    {
        yield return new(Volatile.Read(ref _masters), new KeyValuePair<string, object?>("role", "master"));
        yield return new(Volatile.Read(ref _viewers), new KeyValuePair<string, object?>("role", "viewer"));
    }
}
