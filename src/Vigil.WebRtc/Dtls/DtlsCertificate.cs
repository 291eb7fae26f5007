using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls.Crypto;
using Vigil.WebRtc.Sdp;
using BcCertificate = Org.BouncyCastle.Tls.Certificate;

namespace Vigil.WebRtc.Dtls;

/// The self-signed DTLS certificate of one peer connection (RFC 8827 §6.5 / RFC 5763 §5): ECDSA
/// P-256 signed with SHA-256, random CN, valid from a day ago for 30 days. Only its SHA-256
/// fingerprint travels in the answer; the browser checks the handshake against it.
internal sealed class DtlsCertificate
{
    private DtlsCertificate(byte[] der, byte[] pkcs8)
    {
        Der = der;
        Pkcs8PrivateKey = pkcs8;
        Fingerprint = SdpFingerprint.Format("sha-256", SHA256.HashData(der));
    }

    public byte[] Der { get; }

    public byte[] Pkcs8PrivateKey { get; }

    /// `sha-256 XX:XX:…` as written into a=fingerprint.
    public string Fingerprint { get; }

    public static DtlsCertificate Generate(TimeProvider time)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var cn = "vigil-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var request = new CertificateRequest($"CN={cn}", key, HashAlgorithmName.SHA256);
        var now = time.GetUtcNow();
        // A random serial: some stacks reject certificates that share serial and issuer.
        var serial = RandomNumberGenerator.GetBytes(8);
        serial[0] &= 0x7F;
        using var certificate = request.Create(request.SubjectName, X509SignatureGenerator.CreateForECDsa(key), now.AddDays(-1), now.AddDays(30), serial);
        return new DtlsCertificate(certificate.RawData, key.ExportPkcs8PrivateKey());
    }

    public BcCertificate ToBouncyCastle(TlsCrypto crypto) => new([crypto.CreateCertificate(Der)]);

    public AsymmetricKeyParameter PrivateKey() => PrivateKeyFactory.CreateKey(Pkcs8PrivateKey);
}
