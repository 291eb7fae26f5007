namespace Vigil.Server.Hosting.FrontDoor;

/// <summary>Where the front door sends a TLS connection, decided from its ClientHello before the handshake.</summary>
internal enum FrontDoorRoute
{
    /// <summary>Everything the HTTPS port serves; no client certificate is asked for (the default: browsers).</summary>
    Web,

    /// <summary>ALPN <c>x-amzn-mqtt-ca</c> or <c>mqtt</c>: the MQTT broker, device certificate required.</summary>
    Mqtt,

    /// <summary>SNI <c>Server:FrontDoorCredentialsHost</c>: the credentials provider, device certificate required, HTTP/1.1.</summary>
    CredentialsProvider,
}
