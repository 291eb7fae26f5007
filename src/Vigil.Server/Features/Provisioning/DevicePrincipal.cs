using Vigil.Server.Features.Pki;

namespace Vigil.Server.Features.Provisioning;

/// <summary>
/// Who is on one MQTT connection, decided once at connect from the client certificate and the
/// certificate registry: a claim certificate (fleet provisioning only, for its template), a
/// device certificate (its own thing's topics) or an integration certificate (reads Vigil's topics).
/// </summary>
internal sealed class DevicePrincipal
{
    public required CertificateKind Kind { get; init; }

    public required string CertificateId { get; init; }

    public required string ClientId { get; init; }

    /// <summary>For claim certificates: the template whose topics they may use.</summary>
    public string? Template { get; init; }

    /// <summary>For device certificates: the thing (equal to the client id).</summary>
    public string? ThingName { get; init; }

    public required DateTimeOffset NotAfter { get; init; }

    public required MQTTnet.Formatter.MqttProtocolVersion ProtocolVersion { get; init; }

    /// <summary>AWS lifecycle events' <c>sessionIdentifier</c>: one per connection.</summary>
    public required Guid SessionId { get; init; }

    public required string? IpAddress { get; init; }

    public required DateTimeOffset ConnectedAt { get; init; }

    /// <summary>The presence version assigned at connect; the matching disconnect carries the same.</summary>
    public long PresenceVersion { get; set; }

    /// <summary>Set when the certificate was revoked or deactivated while connected; every later packet is refused.</summary>
    public volatile bool Revoked;

    /// <summary>Why the server closed the connection, for the disconnected lifecycle event.</summary>
    public string? ServerDisconnectReason { get; set; }

    /// <summary>
    /// The topic filters a device may use, with its thing name filled in; for an integration, the
    /// filters it may subscribe to (it publishes nothing); empty for claim certificates.
    /// </summary>
    public IReadOnlyList<string> DeviceTopics { get; init; } = [];

    /// <summary>
    /// For an integration created for one owner: what limits it, within <see cref="DeviceTopics"/>,
    /// to that owner's cameras. Null for every other connection and for an all-owners integration.
    /// </summary>
    public IIntegrationTopicScope? IntegrationScope { get; init; }
}
