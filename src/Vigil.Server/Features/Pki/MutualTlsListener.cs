using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Vigil.Server.Features.Pki;

/// <summary>
/// TLS for the device endpoints (MQTT, credentials provider): the server certificate from
/// Vigil's CA and a client certificate that must chain to Vigil's root (checked during the
/// handshake, so a missing or foreign certificate never reaches the application). Refusals are logged.
/// </summary>
internal static partial class MutualTlsListener
{
    public static ListenOptions UseDeviceMutualTls(this ListenOptions listen, string endpointName, IReadOnlyList<SslApplicationProtocol>? applicationProtocols = null)
    {
        var services = listen.ApplicationServices;
        var certificates = services.GetRequiredService<ServerCertificateProvider>();
        var validator = services.GetRequiredService<ClientCertificateValidator>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(MutualTlsListener).FullName!);
        var contexts = new CertificateContextCache();
        listen.UseHttps(new TlsHandshakeCallbackOptions
        {
            HandshakeTimeout = TimeSpan.FromSeconds(10),
            OnConnection = context =>
            {
                var remote = context.Connection.RemoteEndPoint?.ToString() ?? "?";
                var options = new SslServerAuthenticationOptions
                {
                    ServerCertificateContext = contexts.For(certificates.Current),
                    ClientCertificateRequired = true,
                    EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                    CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                    CertificateChainPolicy = validator.Policy(),
                    RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
                    {
                        var problem = ClientCertificateValidator.Check(certificate, chain, errors);
                        if (problem is not null)
                        {
                            Log.Refused(logger, endpointName, remote, problem);
                        }

                        return problem is null;
                    },
                };
                if (applicationProtocols is not null)
                {
                    options.ApplicationProtocols = [.. applicationProtocols];
                }

                return ValueTask.FromResult(options);
            },
        });

        if (applicationProtocols is not null)
        {
            // A client that offers no ALPN at all still completes the handshake; this port is
            // for the named protocol only.
            listen.Use(next => connection => RequireApplicationProtocolAsync(connection, next, applicationProtocols, endpointName, logger));
        }

        return listen;
    }

    private static async Task RequireApplicationProtocolAsync(ConnectionContext connection, ConnectionDelegate next, IReadOnlyList<SslApplicationProtocol> protocols, string endpointName, ILogger logger)
    {
        var negotiated = connection.Features.Get<ITlsApplicationProtocolFeature>()?.ApplicationProtocol ?? default;
        if (!protocols.Any(p => p.Protocol.Span.SequenceEqual(negotiated.Span)))
        {
            Log.Refused(logger, endpointName, connection.RemoteEndPoint?.ToString() ?? "?", "the client did not negotiate the ALPN protocol this port serves");
            connection.Abort(new ConnectionAbortedException("ALPN protocol required"));
            return;
        }

        await next(connection);
    }

    /// <summary>Builds the certificate context (chain included) once per server certificate, not per handshake.</summary>
    private sealed class CertificateContextCache
    {
        private (X509Certificate2 Certificate, SslStreamCertificateContext Context)? _current;

        public SslStreamCertificateContext For(X509Certificate2 certificate)
        {
            var current = _current;
            if (current is { } c && ReferenceEquals(c.Certificate, certificate))
            {
                return c.Context;
            }

            var context = SslStreamCertificateContext.Create(certificate, additionalCertificates: null, offline: true);
            _current = (certificate, context);
            return context;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 210, Level = LogLevel.Warning, Message = "{Endpoint}: TLS connection from {Remote} refused: {Reason}")]
        public static partial void Refused(ILogger logger, string endpoint, string remote, string reason);
    }
}
