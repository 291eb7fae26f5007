namespace Vigil.Contracts.FleetProvisioning;

/// <summary>Accepted response of CreateKeysAndCertificate (<c>$aws/certificates/create/json/accepted</c>).</summary>
public sealed record CreateKeysAndCertificateResponse
{
    /// <summary>The certificate id (SHA-256 of its DER encoding, lowercase hex).</summary>
    public required string CertificateId { get; init; }

    /// <summary>The new certificate, PEM.</summary>
    public required string CertificatePem { get; init; }

    /// <summary>The new private key, PEM; sent once and never stored by the server.</summary>
    public required string PrivateKey { get; init; }

    /// <summary>Proves possession of the certificate to RegisterThing; valid for one hour, once.</summary>
    public required string CertificateOwnershipToken { get; init; }
}
