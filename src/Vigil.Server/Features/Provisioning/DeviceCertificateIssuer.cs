using System.Diagnostics.CodeAnalysis;
using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;
using Vigil.Server.Features.Pki;
using Vigil.Server.Storage;

namespace Vigil.Server.Features.Provisioning;

/// <summary>
/// Issues device certificates for fleet provisioning, PENDING_ACTIVATION until RegisterThing.
/// The subject is Vigil's, never the CSR's (a device does not choose its name; the template does),
/// and the validity is <c>Pki:DeviceCertificateDays</c>.
/// </summary>
internal sealed class DeviceCertificateIssuer(CertificateAuthority authority, CertificateRegistry registry, VigilDbContext db, IOptions<PkiOptions> pki)
{
    public const int MaxCsrLength = 16_384;

    private static readonly X500DistinguishedName Subject = new("CN=Vigil device, O=Vigil");

    /// <summary>Issues a certificate for the key in a PEM CSR; false with the reason when the CSR is unusable.</summary>
    public async Task<(CertificateRecord? Record, string? Problem)> IssueFromCsrAsync(string? csrPem, CancellationToken cancellationToken)
    {
        if (!TryReadCsr(csrPem, out var request, out var problem))
        {
            return (null, problem);
        }

        using var certificate = authority.Issue(Subject, request.PublicKey, Profile());
        return (await RecordAsync(certificate, cancellationToken), null);
    }

    /// <summary>
    /// Reads a device's PEM CSR (untrusted MQTT payload content): false with the reason to send when it
    /// is missing, too long, not a PKCS#10 request with a correct self-signature, or its key is refused.
    /// Never throws on bad input.
    /// </summary>
    public static bool TryReadCsr(string? csrPem, [NotNullWhen(true)] out CertificateRequest? request, [NotNullWhen(false)] out string? problem)
    {
        request = null;
        if (string.IsNullOrWhiteSpace(csrPem))
        {
            problem = "certificateSigningRequest is missing";
            return false;
        }

        if (csrPem.Length > MaxCsrLength)
        {
            problem = $"certificateSigningRequest is longer than {MaxCsrLength} characters";
            return false;
        }

        try
        {
            // Default load options check the CSR's self-signature: proof that the device holds the key.
            request = CertificateRequest.LoadSigningRequestPem(csrPem, HashAlgorithmName.SHA256, CertificateRequestLoadOptions.Default);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException or NotSupportedException)
        {
            // NotSupportedException: a signature algorithm .NET does not know (an OID of the device's choosing;
            // found by fuzzing, fuzz/regressions/mqtt/).
            problem = "certificateSigningRequest is not a valid PEM PKCS#10 request with a correct signature";
            return false;
        }

        problem = CheckKey(request.PublicKey);
        if (problem is not null)
        {
            request = null;
            return false;
        }

        return true;
    }

    /// <summary>CreateKeysAndCertificate: a new P-256 key made here, returned once with its certificate and never stored.</summary>
    public async Task<(CertificateRecord Record, string PrivateKeyPem)> IssueWithNewKeyAsync(CancellationToken cancellationToken)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = authority.Issue(Subject, new PublicKey(key), Profile());
        var record = await RecordAsync(certificate, cancellationToken);
        return (record, key.ExportPkcs8PrivateKeyPem());
    }

    private CertificateProfile Profile() =>
        new(CertificateProfile.ClientAuthentication, TimeSpan.FromDays(pki.Value.DeviceCertificateDays));

    // A pending certificate lost to a power failure only makes its device provision again
    // (RegisterThing refuses the token); RegisterThing's own commit waits for the disk.
    private Task<CertificateRecord> RecordAsync(X509Certificate2 certificate, CancellationToken cancellationToken) =>
        db.WithoutWaitingForDiskAsync(() => registry.RecordAsync(certificate, CertificateKind.Device, CertificateStatus.PendingActivation, template: null, cancellationToken));

    private static string? CheckKey(PublicKey key)
    {
        switch (key.Oid.Value)
        {
            case "1.2.840.10045.2.1":
                // The curve must be named in the key's parameters (RFC 5480 forbids explicit ones).
                // Loading the CSR checked its signature with this key, so the key itself is sound;
                // importing it again only to ask its size cost a tenth of a millisecond per provisioning.
                return NamedCurve(key.EncodedParameters?.RawData ?? []) is "1.2.840.10045.3.1.7" or "1.3.132.0.34" or "1.3.132.0.35"
                    ? null
                    : "the CSR's EC key must be on P-256, P-384 or P-521";

            case "1.2.840.113549.1.1.1":
                using (var rsa = key.GetRSAPublicKey())
                {
                    return rsa?.KeySize is >= 2048 and <= 8192 ? null : "the CSR's RSA key must have 2048 to 8192 bits";
                }

            default:
                return "the CSR's key must be ECDSA (P-256, P-384, P-521) or RSA";
        }
    }

    /// <summary>The OID of a named curve (RFC 5480 ECParameters); null for explicit parameters or bad DER.</summary>
    private static string? NamedCurve(byte[] parameters)
    {
        try
        {
            var oid = AsnDecoder.ReadObjectIdentifier(parameters, AsnEncodingRules.DER, out var consumed);
            return consumed == parameters.Length ? oid : null;
        }
        catch (AsnContentException)
        {
            return null;
        }
    }
}
