namespace Vigil.Contracts.Agent;

/// <summary>Where the MQTT broker listens.</summary>
public sealed record MqttEndpoint
{
    /// <summary>Host name or address; it is in the server certificate's subject alternative names.</summary>
    public required string Host { get; init; }

    /// <summary>TCP port (TLS, client certificate required); 8883 by default.</summary>
    public required int Port { get; init; }

    /// <summary>
    /// The TLS ALPN protocol to offer, e.g. <c>x-amzn-mqtt-ca</c>: required on a port that also serves HTTPS
    /// (Vigil's front door, AWS IoT's 443), which tells MQTT apart by it. Null: offer none.
    /// </summary>
    public string? Alpn { get; init; }
}
