using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Vigil.Server.Features.Pki;

/// <summary>
/// The TLS settings of one handshake on Vigil's own listeners: the server certificate from Vigil's CA (its chain
/// built once per certificate, not per handshake), TLS 1.2 or 1.3, the ALPN protocols the port speaks, and
/// either a device client certificate required (checked during the handshake against Vigil's root, so a
/// missing or foreign certificate never reaches the application; refusals logged) or no certificate request at
/// all (what a browser must get: asked for one, it may show a certificate picker).
/// </summary>
internal sealed partial class EndpointTls(ServerCertificateProvider certificates, ClientCertificateValidator validator, ILogger<EndpointTls> logger)
{
    private (X509Certificate2 Certificate, SslStreamCertificateContext Context)? _context;

    /// <summary>A device client certificate is required; <paramref name="endpoint"/> and <paramref name="remote"/> name the connection in refusals.</summary>
    public SslServerAuthenticationOptions DeviceClients(string endpoint, string remote, IReadOnlyList<SslApplicationProtocol> applicationProtocols) =>
        new()
        {
            ServerCertificateContext = CurrentContext(),
            ClientCertificateRequired = true,
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            CertificateChainPolicy = validator.Policy(),
            ApplicationProtocols = [.. applicationProtocols],
            RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
            {
                var problem = ClientCertificateValidator.Check(certificate, chain, errors);
                if (problem is not null)
                {
                    LogRefused(endpoint, remote, problem);
                }

                return problem is null;
            },
        };

    /// <summary>No client certificate is asked for (no CertificateRequest in the handshake).</summary>
    public SslServerAuthenticationOptions AnyClient(IReadOnlyList<SslApplicationProtocol> applicationProtocols) =>
        new()
        {
            ServerCertificateContext = CurrentContext(),
            ClientCertificateRequired = false,
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            ApplicationProtocols = [.. applicationProtocols],
        };

    /// <summary>Logs why a TLS connection to <paramref name="endpoint"/> is refused (a Warning: a misconfigured device needs a human).</summary>
    public void LogRefused(string endpoint, string remote, string reason) => Log.Refused(logger, endpoint, remote, reason);

    /// <summary>The certificate is read at each handshake, so one reissued by a later initialisation is used at once.</summary>
    private SslStreamCertificateContext CurrentContext()
    {
        var certificate = certificates.Current;
        var current = _context;
        if (current is { } c && ReferenceEquals(c.Certificate, certificate))
        {
            return c.Context;
        }

        var context = SslStreamCertificateContext.Create(certificate, additionalCertificates: null, offline: true);
        _context = (certificate, context);
        return context;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 210, Level = LogLevel.Warning, Message = "{Endpoint}: TLS connection from {Remote} refused: {Reason}")]
        public static partial void Refused(ILogger logger, string endpoint, string remote, string reason);
    }
}
