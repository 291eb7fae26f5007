namespace Vigil.Contracts.FleetProvisioning;

/// <summary>Accepted response of CreateCertificateFromCsr.</summary>
public sealed record CreateCertificateFromCsrResponse
{
    /// <summary>Proves possession of the certificate to RegisterThing; valid for one hour, once.</summary>
    public required string CertificateOwnershipToken { get; init; }

    /// <summary>The certificate id (SHA-256 of its DER encoding, lowercase hex).</summary>
    public required string CertificateId { get; init; }

    /// <summary>The new certificate, PEM.</summary>
    public required string CertificatePem { get; init; }
}
