using Microsoft.Extensions.Logging;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using Vigil.WebRtc.Sdp;
using Vigil.WebRtc.Srtp;

namespace Vigil.WebRtc.Dtls;

/// The BouncyCastle DTLS 1.2 client with use_srtp (RFC 5764) that the camera runs against the
/// browser's DTLS server (we answer a=setup:active, design M5).
internal sealed partial class DtlsSrtpClient(
    BcTlsCrypto crypto,
    DtlsCertificate certificate,
    IReadOnlyList<SdpFingerprint> remoteFingerprints,
    IReadOnlyList<SrtpProfile> profiles,
    TimeSpan handshakeTimeout,
    ILogger logger) : DefaultTlsClient(crypto)
{
    // RFC 8827 §6.5 makes ECDHE-ECDSA-AES128-GCM-SHA256 mandatory; the RSA variants cover pages
    // that generate an RSA certificate. BoringSSL has no CBC-SHA256/384 suites, so none are listed.
    private static readonly int[] CipherSuites =
    [
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    ];

    private readonly DtlsCertificate _certificate = certificate;
    private readonly IReadOnlyList<SdpFingerprint> _remoteFingerprints = remoteFingerprints;

    public SrtpProfile? SelectedProfile { get; private set; }

    public byte[]? KeyingMaterial { get; private set; }

    /// Set when the peer sent close_notify or a fatal alert.
    public bool PeerClosed { get; private set; }

    public byte[]? PeerCertificate { get; private set; }

    protected override ProtocolVersion[] GetSupportedVersions() => ProtocolVersion.DTLSv12.Only();

    protected override int[] GetSupportedCipherSuites() => TlsUtilities.GetSupportedCipherSuites(Crypto, CipherSuites);

    public override IDictionary<int, byte[]> GetClientExtensions()
    {
        var extensions = TlsExtensionsUtilities.EnsureExtensionsInitialised(base.GetClientExtensions());
        TlsSrtpUtilities.AddUseSrtpExtension(extensions, new UseSrtpData(profiles.Select(p => (int)p).ToArray(), TlsUtilities.EmptyBytes));
        return extensions;
    }

    /// RFC 5764 §4.1.1: the server picks one of our profiles and must echo an empty MKI.
    public override void ProcessServerExtensions(IDictionary<int, byte[]> serverExtensions)
    {
        var srtp = TlsSrtpUtilities.GetUseSrtpExtension(serverExtensions)
            ?? throw new TlsFatalAlert(AlertDescription.handshake_failure, "The server did not negotiate use_srtp.");
        if (srtp.ProtectionProfiles.Length != 1 || !profiles.Contains((SrtpProfile)srtp.ProtectionProfiles[0]) || srtp.Mki.Length != 0)
        {
            throw new TlsFatalAlert(AlertDescription.illegal_parameter, "The server selected an SRTP profile we did not offer, or an MKI.");
        }

        SelectedProfile = (SrtpProfile)srtp.ProtectionProfiles[0];
        base.ProcessServerExtensions(serverExtensions);
    }

    // Chromium supports RFC 7627; refusing sessions without it closes a known TLS 1.2 weakness.
    public override bool RequiresExtendedMasterSecret() => true;

    public override int GetHandshakeTimeoutMillis() => (int)handshakeTimeout.TotalMilliseconds;

    /// WebRTC never renegotiates; BC's default aborts when the server omits renegotiation_info
    /// (pion/dtls #274, pion/webrtc #1335), which some stacks do.
    public override void NotifySecureRenegotiation(bool secureRenegotiation)
    {
    }

    public override TlsAuthentication GetAuthentication() => new Authentication(this);

    public override void NotifyHandshakeComplete()
    {
        base.NotifyHandshakeComplete();
        var profile = SelectedProfile ?? throw new TlsFatalAlert(AlertDescription.internal_error);
        KeyingMaterial = m_context.ExportKeyingMaterial(ExporterLabel.dtls_srtp, null, SrtpProfileInfo.KeyingMaterialLength(profile));
    }

    public override void NotifyAlertReceived(short alertLevel, short alertDescription)
    {
        Log.AlertReceived(logger, AlertLevel.GetText(alertLevel), AlertDescription.GetText(alertDescription));
        if (alertDescription == AlertDescription.close_notify || alertLevel == AlertLevel.fatal)
        {
            PeerClosed = true;
        }
    }

    public override void NotifyAlertRaised(short alertLevel, short alertDescription, string message, Exception cause)
    {
        Log.AlertRaised(logger, AlertLevel.GetText(alertLevel), AlertDescription.GetText(alertDescription), message ?? string.Empty);
    }

    private sealed class Authentication(DtlsSrtpClient client) : TlsAuthentication
    {
        /// RFC 5763 §5 / RFC 8842: the certificate must hash to the offer's a=fingerprint; fail
        /// closed (werift #585 and sipsorcery PR #1786 show this check missing elsewhere).
        public void NotifyServerCertificate(TlsServerCertificate serverCertificate)
        {
            var chain = serverCertificate.Certificate;
            if (chain is null || chain.IsEmpty)
            {
                throw new TlsFatalAlert(AlertDescription.bad_certificate, "The server sent no certificate.");
            }

            var der = chain.GetCertificateAt(0).GetEncoded();
            if (!client._remoteFingerprints.Any(f => f.Matches(der)))
            {
                throw new TlsFatalAlert(AlertDescription.bad_certificate, "The server certificate does not match a=fingerprint.");
            }

            client.PeerCertificate = der;
        }

        /// Chromium's server always asks for a client certificate; sign CertificateVerify with
        /// ecdsa_secp256r1_sha256 (0x0403), which it lists (sipsorcery #1104).
        public TlsCredentials GetClientCredentials(CertificateRequest certificateRequest)
        {
            var algorithm = SignatureAndHashAlgorithm.GetInstance(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa);
            var offered = certificateRequest.SupportedSignatureAlgorithms;
            if (offered is not null && !offered.Contains(algorithm))
            {
                throw new TlsFatalAlert(AlertDescription.handshake_failure, "The server does not accept ecdsa_secp256r1_sha256 client signatures.");
            }

            var crypto = (BcTlsCrypto)client.Crypto;
            return new BcDefaultTlsCredentialedSigner(
                new TlsCryptoParameters(client.m_context),
                crypto,
                client._certificate.PrivateKey(),
                client._certificate.ToBouncyCastle(crypto),
                algorithm);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4101, Level = LogLevel.Debug, Message = "DTLS alert received: {Level} {Description}")]
        public static partial void AlertReceived(ILogger logger, string level, string description);

        [LoggerMessage(EventId = 4102, Level = LogLevel.Debug, Message = "DTLS alert raised: {Level} {Description} ({Message})")]
        public static partial void AlertRaised(ILogger logger, string level, string description, string message);
    }
}
