using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Vigil.Server.Features.Pki;

/// <summary>
/// The TLS half of mutual TLS for device endpoints (MQTT, credentials provider): a client
/// certificate must chain to Vigil's root CA, be valid now and allow client authentication.
/// Whether it is still usable (revoked, pending, which device) is the certificate registry's
/// answer, asked by each endpoint after the handshake.
/// </summary>
internal sealed class ClientCertificateValidator(CertificateAuthority authority, TimeProvider time)
{
    /// <summary>Null when the certificate is acceptable, else why not (for the log).</summary>
    public string? Check(X509Certificate? presented, SslPolicyErrors errors)
    {
        if (presented is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return "no client certificate";
        }

        using var certificate = presented as X509Certificate2 is { } c2 ? X509CertificateLoader.LoadCertificate(c2.RawData) : X509CertificateLoader.LoadCertificate(presented.GetRawCertData());
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority.Certificate);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = time.GetUtcNow().UtcDateTime;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        chain.ChainPolicy.ApplicationPolicy.Add(CertificateProfile.ClientAuthentication);
        if (chain.Build(certificate))
        {
            return null;
        }

        var status = chain.ChainStatus.Select(s => s.Status).Aggregate(X509ChainStatusFlags.NoError, (a, b) => a | b);
        return status.HasFlag(X509ChainStatusFlags.UntrustedRoot) || status.HasFlag(X509ChainStatusFlags.PartialChain)
            ? "the client certificate was not issued by this Vigil's CA"
            : status.HasFlag(X509ChainStatusFlags.NotTimeValid)
                ? "the client certificate is expired or not yet valid"
                : $"the client certificate is not acceptable ({status})";
    }
}
