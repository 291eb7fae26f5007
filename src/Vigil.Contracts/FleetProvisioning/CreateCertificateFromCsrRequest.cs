namespace Vigil.Contracts.FleetProvisioning;

/// <summary>Request of CreateCertificateFromCsr (<c>$aws/certificates/create-from-csr/json</c>).</summary>
public sealed record CreateCertificateFromCsrRequest
{
    /// <summary>A PKCS#10 certificate signing request, PEM.</summary>
    public string? CertificateSigningRequest { get; init; }
}
