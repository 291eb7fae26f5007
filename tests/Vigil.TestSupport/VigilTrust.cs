using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Vigil.TestSupport;

/// <summary>TLS clients that trust exactly one Vigil's root CA (and still check host names), as its real clients are told to.</summary>
internal static class VigilTrust
{
    public static X509ChainPolicy ChainPolicy(X509Certificate2 root) => new()
    {
        TrustMode = X509ChainTrustMode.CustomRootTrust,
        CustomTrustStore = { root },
        RevocationMode = X509RevocationMode.NoCheck,
    };

    /// <summary>An HTTP handler trusting <paramref name="root"/>, presenting <paramref name="clientCertificate"/> when given (mutual TLS).</summary>
    public static SocketsHttpHandler Handler(X509Certificate2 root, X509Certificate2? clientCertificate = null) => new()
    {
        SslOptions = new SslClientAuthenticationOptions
        {
            CertificateChainPolicy = ChainPolicy(root),
            ClientCertificates = clientCertificate is null ? null : new X509CertificateCollection { clientCertificate },
        },
    };
}
