using System.Diagnostics.Metrics;
using Vigil.Server.Features.Pki;
using Vigil.Server.Hosting.Metrics;

namespace Vigil.Server.Features.Provisioning;

/// <summary>
/// Meter <c>Vigil.Provisioning</c>: MQTT connections by certificate kind, refusals at CONNECT by
/// reason, fleet-provisioning requests (outcome, duration), writes of retained messages to the database, and in cluster
/// mode the frames between nodes' brokers. Labels are small fixed sets; no
/// client id or serial ever becomes a label.
/// </summary>
internal sealed class ProvisioningMetrics : IMetricSeries
{
    public const string MeterName = "Vigil.Provisioning";

    private readonly Counter<long> _refusals;
    private readonly Counter<long> _requests;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _clusterFrames;
    private readonly Counter<long> _retainedWrites;

    /// <summary>What becomes of a retained message's write to the database (<see cref="RetainedMessageStore"/>).</summary>
    public static readonly IReadOnlyList<string> RetainedWriteOutcomes = ["stored", "deleted", "failed"];

    /// <summary>What happens to frames on the cluster's MQTT channel (<see cref="MqttClusterRelay"/>).</summary>
    public static readonly IReadOnlyList<string> ClusterFrameOutcomes = ["sent", "received", "queue_full", "too_large", "redis_failed", "unreadable", "not_delivered"];

    public ProvisioningMetrics(IMeterFactory meters, DeviceConnections connections)
    {
        var meter = meters.Create(MeterName);
        meter.CreateObservableGauge("vigil.mqtt.connections", () => CountByKind(connections), "{connection}", "Open MQTT connections, by the kind of certificate (claim, device, integration)");
        _refusals = meter.CreateCounter<long>("vigil.mqtt.connection.refusals", "{connection}", "MQTT connections refused at CONNECT, by reason");
        _requests = meter.CreateCounter<long>("vigil.provisioning.requests", "{request}", "Fleet-provisioning requests, by operation and outcome (accepted, rejected, throttled, error)");
        _duration = meter.CreateHistogram("vigil.provisioning.duration", "s", "Time to answer a fleet-provisioning request, by operation", advice: new InstrumentAdvice<double>
        {
            HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
        });
        _clusterFrames = meter.CreateCounter<long>("vigil.mqtt.cluster.frames", "{frame}", "Cluster mode: messages and connect notices between nodes' brokers, by outcome (sent, received, or why dropped)");
        _retainedWrites = meter.CreateCounter<long>("vigil.mqtt.retained.writes", "{write}", "Retained messages of this node's clients written to the database, by outcome (stored, deleted, failed)");
    }

    public void InitializeSeries()
    {
        foreach (var operation in Enum.GetValues<FleetProvisioningOperation>())
        {
            foreach (var outcome in new[] { "accepted", "rejected", "throttled", "error" })
            {
                _requests.Add(0, new("operation", OperationName(operation)), new("outcome", outcome));
            }
        }

        foreach (var outcome in ClusterFrameOutcomes)
        {
            _clusterFrames.Add(0, new KeyValuePair<string, object?>("outcome", outcome));
        }

        foreach (var outcome in RetainedWriteOutcomes)
        {
            _retainedWrites.Add(0, new KeyValuePair<string, object?>("outcome", outcome));
        }
    }

    public void Refused(string reason) => _refusals.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void RetainedWrite(string outcome) => _retainedWrites.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void ClusterFrame(string outcome) => _clusterFrames.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void Answered(FleetProvisioningOperation operation, string outcome, TimeSpan elapsed)
    {
        var name = OperationName(operation);
        _requests.Add(1, new("operation", name), new("outcome", outcome));
        _duration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("operation", name));
    }

    private static string OperationName(FleetProvisioningOperation operation) => operation switch
    {
        FleetProvisioningOperation.CreateKeysAndCertificate => "create_keys_and_certificate",
        FleetProvisioningOperation.CreateCertificateFromCsr => "create_certificate_from_csr",
        _ => "register_thing",
    };

    private static IEnumerable<Measurement<int>> CountByKind(DeviceConnections connections)
    {
        int claim = 0, device = 0, integration = 0;
        foreach (var principal in connections.All)
        {
            switch (principal.Kind)
            {
                case CertificateKind.Claim: claim++; break;
                case CertificateKind.Device: device++; break;
                case CertificateKind.Integration: integration++; break;
            }
        }

        yield return new(claim, new KeyValuePair<string, object?>("kind", "claim"));
        yield return new(device, new KeyValuePair<string, object?>("kind", "device"));
        yield return new(integration, new KeyValuePair<string, object?>("kind", "integration"));
    }
}
