using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Vigil.Agent;

/// <summary>TLS for the agent's HTTPS and WebSocket connections: only certificates that chain to the bundle's root CA are trusted.</summary>
internal static class AgentTrust
{
    public static SslClientAuthenticationOptions ClientOptions(X509Certificate2 root, X509Certificate2? clientCertificate = null)
    {
        var options = new SslClientAuthenticationOptions
        {
            CertificateChainPolicy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                RevocationMode = X509RevocationMode.NoCheck,
                CustomTrustStore = { root },
            },
        };
        if (clientCertificate is not null)
        {
            options.ClientCertificates = [clientCertificate];
        }

        return options;
    }

    public static SocketsHttpHandler Handler(X509Certificate2 root, X509Certificate2? clientCertificate = null) => new()
    {
        SslOptions = ClientOptions(root, clientCertificate),
        ConnectTimeout = TimeSpan.FromSeconds(10),
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
    };
}
