namespace Vigil.Contracts.Agent;

/// <summary>
/// The <c>agent.json</c> file of a camera image: everything a camera needs to find and trust a
/// Vigil server and to run the fleet-provisioning claim flow. Written by <c>vigil claim create</c>
/// next to the claim certificate, its private key and the root CA; read by the camera agent.
/// Relative file names are resolved against the directory that holds <c>agent.json</c>.
/// </summary>
public sealed record AgentConfiguration
{
    /// <summary>The schema version of this file; readers refuse versions they do not know.</summary>
    public int Version { get; init; } = CurrentVersion;

    /// <summary>The only schema version written today.</summary>
    public const int CurrentVersion = 1;

    /// <summary>The MQTT broker (TLS with a client certificate) that runs fleet provisioning.</summary>
    public required MqttEndpoint Mqtt { get; init; }

    /// <summary>The credentials provider that exchanges a device certificate for temporary credentials.</summary>
    public required CredentialsProviderEndpoint CredentialsProvider { get; init; }

    /// <summary>Base URL of the server's HTTPS API (KVS control plane, signaling), e.g. <c>https://vigil.lan:8443</c>.</summary>
    public required Uri HttpsBaseUrl { get; init; }

    /// <summary>The fleet-provisioning template the claim certificate may use.</summary>
    public required string ProvisioningTemplate { get; init; }

    /// <summary>The AWS-style region name used in SigV4 credential scopes and ARNs.</summary>
    public required string Region { get; init; }

    /// <summary>File name of the claim certificate (PEM).</summary>
    public string ClaimCertificateFile { get; init; } = "claim.cert.pem";

    /// <summary>File name of the claim certificate's private key (PKCS#8 PEM, mode 0600).</summary>
    public string ClaimPrivateKeyFile { get; init; } = "claim.private.key";

    /// <summary>File name of the root CA certificate that every Vigil endpoint's certificate chains to.</summary>
    public string RootCaFile { get; init; } = "root-ca.pem";

    /// <summary>
    /// What <c>vigil-agent run</c> streams to viewers: <c>testsrc</c> (the default), <c>file:PATH</c>,
    /// <c>rtsp://…</c>, <c>v4l2:/dev/videoN</c>, or <c>none</c>. The <c>--source</c> option overrides it.
    /// </summary>
    public string? Source { get; init; }

    /// <summary>How the live stream is encoded and served; every member optional (the agent's defaults apply).</summary>
    public StreamConfiguration? Stream { get; init; }
}
