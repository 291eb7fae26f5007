namespace Vigil.Server.Features.Pki;

/// <summary>
/// One certificate issued by Vigil's CA. The id is the SHA-256 fingerprint of the DER encoding in
/// lowercase hex, the same shape as an AWS IoT certificate id, so a TLS peer's certificate is
/// looked up by hashing what it presented.
/// </summary>
internal sealed class CertificateRecord
{
    public required string Id { get; init; }

    public required CertificateKind Kind { get; init; }

    public required string Subject { get; init; }

    /// <summary>The X.509 serial number, uppercase hex.</summary>
    public required string SerialNumber { get; init; }

    public required CertificateStatus Status { get; set; }

    public required DateTimeOffset NotBefore { get; init; }

    public required DateTimeOffset NotAfter { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? StatusChangedAt { get; set; }

    /// <summary>For claim certificates: the provisioning template they may use.</summary>
    public string? Template { get; init; }

    /// <summary>For device certificates: the thing they belong to (set by fleet provisioning).</summary>
    public string? ThingName { get; set; }

    public required string Pem { get; init; }
}
