namespace Vigil.Server.Features.Pki;

/// <summary>What a certificate issued by Vigil's CA is for; later features decide what it may do from this.</summary>
internal enum CertificateKind
{
    /// <summary>Vigil's own root CA certificate.</summary>
    Root,

    /// <summary>A TLS server certificate for Vigil's endpoints.</summary>
    Server,

    /// <summary>A shared claim certificate baked into camera firmware; may only run fleet provisioning.</summary>
    Claim,

    /// <summary>A device's own certificate, issued by fleet provisioning.</summary>
    Device,

    /// <summary>A home-automation system's certificate (<c>vigil integrations create</c>): reads Vigil's MQTT topics, publishes nothing.</summary>
    Integration,
}
