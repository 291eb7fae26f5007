namespace Vigil.Contracts.FleetProvisioning;

/// <summary>
/// AWS IoT lifecycle event published on <c>$aws/events/presence/connected/{clientId}</c> and
/// <c>$aws/events/presence/disconnected/{clientId}</c> (spec §6).
/// </summary>
public sealed record PresenceEvent
{
    /// <summary>The MQTT client id.</summary>
    public required string ClientId { get; init; }

    /// <summary>Milliseconds since the Unix epoch.</summary>
    public required long Timestamp { get; init; }

    /// <summary><c>connected</c> or <c>disconnected</c>.</summary>
    public required string EventType { get; init; }

    /// <summary>One id per connection.</summary>
    public required string SessionIdentifier { get; init; }

    /// <summary>The certificate id of the connection.</summary>
    public required string PrincipalIdentifier { get; init; }

    /// <summary>Connected events only: the client's address.</summary>
    public string? IpAddress { get; init; }

    /// <summary>Disconnected events only.</summary>
    public bool? ClientInitiatedDisconnect { get; init; }

    /// <summary>Disconnected events only, e.g. <c>CLIENT_INITIATED_DISCONNECT</c>.</summary>
    public string? DisconnectReason { get; init; }

    /// <summary>Increases per connect; a disconnect carries its connect's number.</summary>
    public required long VersionNumber { get; init; }
}
