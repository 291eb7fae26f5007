using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Vigil.Server.Features.Pki;
using Vigil.Server.Hosting;
using Vigil.TestSupport;

namespace Vigil.Server.Tests.Features.Pki;

public sealed class CertificateAuthorityTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private static CertificateAuthority NewAuthority(string directory, TimeProvider? time = null)
    {
        var authority = new CertificateAuthority(new DataDirectory(directory), time ?? new FakeTimeProvider(Now), NullLogger<CertificateAuthority>.Instance);
        authority.LoadOrCreate();
        return authority;
    }

    [Fact]
    public void The_root_is_an_ecdsa_p256_ca_limited_to_signing_end_entities_with_a_private_key_file()
    {
        using var directory = new TempDirectory();
        using var authority = NewAuthority(directory.Path);

        var root = authority.Certificate;
        Assert.Equal("1.2.840.10045.2.1", root.PublicKey.Oid.Value);
        using var key = root.GetECDsaPublicKey()!;
        Assert.Equal(256, key.KeySize);
        var constraints = root.Extensions.OfType<X509BasicConstraintsExtension>().Single();
        Assert.True(constraints is { CertificateAuthority: true, HasPathLengthConstraint: true, PathLengthConstraint: 0, Critical: true });
        Assert.Equal(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, root.Extensions.OfType<X509KeyUsageExtension>().Single().KeyUsages);
        Assert.Equal(Now.AddYears(20).Year, root.NotAfter.ToUniversalTime().Year);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(directory.Path, "pki", CertificateAuthority.KeyFile)));
    }

    [Fact]
    public void A_second_start_loads_the_same_root()
    {
        using var directory = new TempDirectory();
        using var first = NewAuthority(directory.Path);
        using var second = NewAuthority(directory.Path);

        Assert.Equal(first.Certificate.RawData, second.Certificate.RawData);
    }

    [Fact]
    public void A_missing_key_beside_an_existing_root_is_refused_instead_of_silently_replaced()
    {
        using var directory = new TempDirectory();
        using (NewAuthority(directory.Path))
        {
        }

        File.Delete(Path.Combine(directory.Path, "pki", CertificateAuthority.KeyFile));

        var error = Assert.Throws<StartupException>(() => NewAuthority(directory.Path));
        Assert.Contains("root-ca.key is missing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_that_does_not_match_the_root_is_refused()
    {
        using var directory = new TempDirectory();
        using (NewAuthority(directory.Path))
        {
        }

        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        File.WriteAllText(Path.Combine(directory.Path, "pki", CertificateAuthority.KeyFile), other.ExportPkcs8PrivateKeyPem());

        var error = Assert.Throws<StartupException>(() => NewAuthority(directory.Path));
        Assert.Contains("does not belong to", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Issued_certificates_chain_to_the_root_and_carry_random_128_bit_serials()
    {
        using var directory = new TempDirectory();
        using var authority = NewAuthority(directory.Path);
        var serials = new HashSet<string>();
        for (var i = 0; i < 50; i++)
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            using var issued = authority.Issue(new X500DistinguishedName($"CN=device-{i}"), new PublicKey(key), new CertificateProfile(CertificateProfile.ClientAuthentication, TimeSpan.FromDays(30)));

            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(authority.Certificate);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            chain.ChainPolicy.VerificationTime = Now.UtcDateTime;
            Assert.True(chain.Build(issued), string.Join(", ", chain.ChainStatus.Select(s => s.StatusInformation)));

            // The DER INTEGER as it is in the certificate: positive and minimally encoded, 16
            // random bytes plus a 0x00 sign octet when their top bit is set.
            var serial = issued.SerialNumberBytes.Span;
            Assert.True(
                (serial.Length == 16 && serial[0] is > 0 and < 0x80) || (serial.Length == 17 && serial[0] == 0 && serial[1] >= 0x80),
                $"serial {issued.SerialNumber} is not a minimal positive 128-bit integer");
            Assert.True(serials.Add(issued.SerialNumber));
            Assert.Equal("1.3.6.1.5.5.7.3.2", issued.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages[0].Value);
            Assert.False(issued.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        }
    }

    [Fact]
    public void An_issued_certificate_never_outlives_the_root()
    {
        using var directory = new TempDirectory();
        using var authority = NewAuthority(directory.Path);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        using var issued = authority.Issue(new X500DistinguishedName("CN=long"), new PublicKey(key), new CertificateProfile(CertificateProfile.ClientAuthentication, TimeSpan.FromDays(365 * 50)));

        Assert.True(issued.NotAfter <= authority.Certificate.NotAfter);
    }
}
