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
    /// <summary>
    /// The chain policy for one handshake, handed to <see cref="SslServerAuthenticationOptions.CertificateChainPolicy"/>
    /// so that TLS builds the client's chain once, against Vigil's root only (the default policy
    /// builds it against the system's roots, fails, and a second build would be needed here).
    /// </summary>
    public X509ChainPolicy Policy()
    {
        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
            VerificationTime = time.GetUtcNow().UtcDateTime,
            VerificationTimeIgnored = false,
        };
        policy.CustomTrustStore.Add(authority.Certificate);
        policy.ApplicationPolicy.Add(CertificateProfile.ClientAuthentication);
        return policy;
    }

    /// <summary>Null when the certificate is acceptable, else why not (for the log); <paramref name="chain"/> was built with <see cref="Policy"/>.</summary>
    public static string? Check(X509Certificate? presented, X509Chain? chain, SslPolicyErrors errors)
    {
        if (presented is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return "no client certificate";
        }

        if (errors == SslPolicyErrors.None)
        {
            return null;
        }

        var status = (chain?.ChainStatus ?? []).Select(s => s.Status).Aggregate(X509ChainStatusFlags.NoError, (a, b) => a | b);
        return status.HasFlag(X509ChainStatusFlags.UntrustedRoot) || status.HasFlag(X509ChainStatusFlags.PartialChain)
            ? "the client certificate was not issued by this Vigil's CA"
            : status.HasFlag(X509ChainStatusFlags.NotTimeValid)
                ? "the client certificate is expired or not yet valid"
                : $"the client certificate is not acceptable ({(status == X509ChainStatusFlags.NoError ? errors.ToString() : status.ToString())})";
    }
}
