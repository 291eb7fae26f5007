namespace Vigil.Contracts.Agent;

/// <summary>Where the MQTT broker listens.</summary>
public sealed record MqttEndpoint
{
    /// <summary>Host name or address; it is in the server certificate's subject alternative names.</summary>
    public required string Host { get; init; }

    /// <summary>TCP port (TLS, client certificate required); 8883 by default.</summary>
    public required int Port { get; init; }
}
