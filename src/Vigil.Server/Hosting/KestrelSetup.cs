using System.Net;
using System.Security.Authentication;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using Vigil.Server.Features.Pki;
using Vigil.Server.Hosting.ProxyProtocol;

namespace Vigil.Server.Hosting;

/// <summary>The HTTP and HTTPS listeners, with the certificate Vigil's CA issued for this server.</summary>
internal static class KestrelSetup
{
    /// <summary>Connection item set on the plain HTTP listener's connections (where <c>/metrics</c> answers by default).</summary>
    public const string HttpListenerKey = "Vigil.HttpListener";

    public static WebApplicationBuilder ConfigureListeners(this WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            var options = kestrel.ApplicationServices.GetRequiredService<IOptions<ServerOptions>>().Value;
            var certificates = kestrel.ApplicationServices.GetRequiredService<ServerCertificateProvider>();
            kestrel.AddServerHeader = false;
            Listen(kestrel, options.ListenAddress, options.HttpPort, listen => listen.Use(next => connection =>
            {
                connection.Items[HttpListenerKey] = true;
                return next(connection);
            }));
            ListenPublic(kestrel, options.ListenAddress, options.HttpsPort, listen => listen.UseHttps(https =>
            {
                https.SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13;
                // Read at each handshake, so a certificate reissued by a later initialisation is used at once.
                https.ServerCertificateSelector = (_, _) => certificates.Current;
            }));
        });
        builder.Services.AddOptions<HostOptions>()
            .Configure<IOptions<ServerOptions>>((host, server) => host.ShutdownTimeout = server.Value.ShutdownTimeout);
        return builder;
    }

    /// <summary>
    /// A port clients reach, possibly through a load balancer: its connections first go through
    /// <see cref="ProxyProtocolListener"/> (a no-op unless <c>Server:ProxyProtocolFrom</c> names balancers).
    /// </summary>
    public static void ListenPublic(KestrelServerOptions kestrel, string address, int port, Action<ListenOptions> configure)
    {
        var trusted = kestrel.ApplicationServices.GetRequiredService<TrustedProxies>();
        var logger = kestrel.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ProxyProtocolListener));
        Listen(kestrel, address, port, listen => configure(listen.UseProxyProtocol(trusted, logger)));
    }

    public static void Listen(KestrelServerOptions kestrel, string address, int port, Action<ListenOptions> configure)
    {
        switch (address)
        {
            case "*":
                kestrel.ListenAnyIP(port, configure);
                break;
            case "localhost":
                kestrel.ListenLocalhost(port, configure);
                break;
            default:
                kestrel.Listen(IPAddress.Parse(address), port, configure);
                break;
        }
    }
}
