using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Vigil.Server.Features.Provisioning;

namespace Vigil.Server.Tests.Features.Provisioning;

/// <summary>The CSR of CreateCertificateFromCsr is untrusted: every bad one is refused with a reason, never thrown.</summary>
public sealed class CsrReadingTests
{
    // Found by fuzzing (fuzz/regressions/mqtt/csr-unknown-signature-algorithm.txt): the signature algorithm
    // OID 1.2.840.11069.4.3.2 (a mutated ecdsa-with-SHA256) made .NET throw NotSupportedException, which the
    // fleet-provisioning service did not catch.
    private const string UnknownSignatureAlgorithm = """
        -----BEGIN CERTIFICATE REQUEST-----
        MIHNMHUCAQAwEzERMA8GA1UEAwwIQ0FNLTAwMDEwWTATBgcqhkjOPQIBBggqhkjO
        PQMBBwNCAASXH+zKsQbQKyjwrqVBevNyVTXggdp03jzUJVAURUJ78sKzM8bFRpX1
        oXPpTDTVCp99uAz2Ld05cenZ7+FXMbofoAAwCgYIKoZI1j0EAwIDSAAwRQIgYm0y
        uaYYbnIcaLhANzXz1XCCYYP5J8tG/PkVHNT/Dz4CIQCaRzajZ0yJ0bxaegQ/JG45
        Kub7sXzfNfh976uM6VWKQg==
        -----END CERTIFICATE REQUEST-----
        """;

    [Fact]
    public void A_csr_signed_with_an_unknown_algorithm_is_refused_with_a_reason()
    {
        Assert.False(DeviceCertificateIssuer.TryReadCsr(UnknownSignatureAlgorithm, out var request, out var problem));
        Assert.Null(request);
        Assert.Contains("not a valid PEM PKCS#10 request", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_csr_for_a_p256_key_with_its_own_signature_is_accepted()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var pem = new CertificateRequest("CN=CAM-0001", key, HashAlgorithmName.SHA256).CreateSigningRequestPem();

        Assert.True(DeviceCertificateIssuer.TryReadCsr(pem, out var request, out var problem), problem);
        Assert.Equal("1.2.840.10045.2.1", request.PublicKey.Oid.Value);
    }

    [Theory]
    [InlineData(null, "missing")]
    [InlineData("   ", "missing")]
    [InlineData("-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----", "not a valid PEM PKCS#10 request")]
    public void A_missing_or_malformed_csr_is_refused_with_a_reason(string? pem, string reason)
    {
        Assert.False(DeviceCertificateIssuer.TryReadCsr(pem, out _, out var problem));
        Assert.Contains(reason, problem, StringComparison.Ordinal);
    }
}
