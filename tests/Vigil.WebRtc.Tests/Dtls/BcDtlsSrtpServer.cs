using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using Vigil.WebRtc.Dtls;
using Vigil.WebRtc.Srtp;

namespace Vigil.WebRtc.Tests.Dtls;

/// A BouncyCastle DTLS 1.2 server with use_srtp, standing in for the browser's DTLS server in
/// in-memory handshake tests (Chromium itself is exercised in the interop tests). Signature
/// algorithms are restricted to ecdsa_secp256r1_sha256 (sipsorcery PR #1398 saw BC↔BC pick
/// {sha512, ecdsa} and fail).
internal sealed class BcDtlsSrtpServer(DtlsCertificate certificate) : DefaultTlsServer(new BcTlsCrypto(new SecureRandom()))
{
    private static readonly SignatureAndHashAlgorithm EcdsaSha256 = SignatureAndHashAlgorithm.GetInstance(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa);
    private int _profile;

    public byte[]? KeyingMaterial { get; private set; }

    public byte[]? ClientCertificate { get; private set; }

    public SrtpProfile Profile => (SrtpProfile)_profile;

    protected override ProtocolVersion[] GetSupportedVersions() => ProtocolVersion.DTLSv12.Only();

    protected override int[] GetSupportedCipherSuites() => [CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256];

    public override void ProcessClientExtensions(IDictionary<int, byte[]> clientExtensions)
    {
        base.ProcessClientExtensions(clientExtensions);
        var srtp = TlsSrtpUtilities.GetUseSrtpExtension(clientExtensions) ?? throw new TlsFatalAlert(AlertDescription.handshake_failure);
        _profile = srtp.ProtectionProfiles[0];
    }

    public override IDictionary<int, byte[]> GetServerExtensions()
    {
        var extensions = TlsExtensionsUtilities.EnsureExtensionsInitialised(base.GetServerExtensions());
        TlsSrtpUtilities.AddUseSrtpExtension(extensions, new UseSrtpData([_profile], TlsUtilities.EmptyBytes));
        return extensions;
    }

    protected override TlsCredentialedSigner GetECDsaSignerCredentials()
    {
        var crypto = (BcTlsCrypto)Crypto;
        return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(m_context), crypto, certificate.PrivateKey(), certificate.ToBouncyCastle(crypto), EcdsaSha256);
    }

    public override CertificateRequest GetCertificateRequest() =>
        new([ClientCertificateType.ecdsa_sign], new List<SignatureAndHashAlgorithm> { EcdsaSha256 }, null);

    public override void NotifyClientCertificate(Certificate clientCertificate)
    {
        ClientCertificate = clientCertificate.GetCertificateAt(0).GetEncoded();
    }

    public override void NotifyHandshakeComplete()
    {
        base.NotifyHandshakeComplete();
        KeyingMaterial = m_context.ExportKeyingMaterial(ExporterLabel.dtls_srtp, null, SrtpProfileInfo.KeyingMaterialLength(Profile));
    }
}
