using System.Net.Security;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Options;
using MQTTnet.AspNetCore;
using Vigil.Server.Features.Credentials;
using Vigil.Server.Features.Pki;
using Vigil.Server.Features.Provisioning;
using Vigil.Server.Hosting.Tls;

namespace Vigil.Server.Hosting.FrontDoor;

/// <summary>
/// The optional front door (<c>Server:FrontDoorPort</c>, typically 443): one TLS port doing what AWS does on 443,
/// for firmware that cannot be told another port (the KVS WebRTC C SDK, aws-crt's X.509 credentials provider).
/// Each connection's ClientHello is read before the handshake and decides, in this order:
/// <list type="number">
/// <item>ALPN <c>x-amzn-mqtt-ca</c> or <c>mqtt</c> offered: the MQTT broker, device certificate required, the same
/// checks as 8883 (it is the same broker);</item>
/// <item>SNI <c>Server:FrontDoorCredentialsHost</c> (default <c>credentials.&lt;PublicHost&gt;</c>, as AWS gives its
/// credentials provider a host of its own): the credentials provider, device certificate required, HTTP/1.1,
/// answering nothing else, as on 8444;</item>
/// <item>anything else: what the HTTPS port serves (HTTP/2 and HTTP/1.1), and no client certificate is asked for.</item>
/// </list>
/// </summary>
/// <remarks>
/// Why route by SNI and not ask for a certificate only on <c>/role-aliases/…</c> (certificate on demand): asking
/// after the handshake needs TLS 1.2 renegotiation or TLS 1.3 post-handshake authentication, which HTTP/2 forbids
/// (RFC 9113 §9.2.1, RFC 8740) and device TLS stacks cannot be counted on for (aws-crt's s2n refuses
/// renegotiation unless the application opts in); and asking every connection in the handshake makes browsers
/// show a certificate picker. A name of its own for the credentials provider is what
/// AWS does (<c>&lt;prefix&gt;.credentials.iot.&lt;region&gt;.amazonaws.com</c>), so firmware already expects one.
/// </remarks>
internal static partial class FrontDoorListener
{
    private const string MqttEndpointName = "front door (MQTT)";
    private const string CredentialsEndpointName = "front door (credentials provider)";
    private const string WebEndpointName = "front door (HTTPS)";

    private static readonly IReadOnlyList<SslApplicationProtocol> CredentialsProtocols = [SslApplicationProtocol.Http11];
    private static readonly IReadOnlyList<SslApplicationProtocol> WebProtocols = [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11];

    /// <summary>Adds the front door when <c>Server:FrontDoorPort</c> is set (after the MQTT broker and the credentials provider).</summary>
    public static WebApplicationBuilder AddFrontDoorServer(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<FrontDoorEndpoint>();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            var services = kestrel.ApplicationServices;
            var server = services.GetRequiredService<IOptions<ServerOptions>>().Value;
            if (server.FrontDoorPort is not { } port)
            {
                return;
            }

            EnsureOwnPort(port, services);
            PortProbe.EnsureFree(server.ListenAddress, port, "Server:FrontDoorPort");
            KestrelSetup.ListenPublic(kestrel, server.ListenAddress, port, listen => Configure(listen, server.EffectiveFrontDoorCredentialsHost));
        });
        return builder;
    }

    /// <summary>The route for a ClientHello (null: unreadable, left to the web route's handshake to refuse).</summary>
    public static FrontDoorRoute Choose(TlsClientHello? hello, string credentialsHost) =>
        hello switch
        {
            null => FrontDoorRoute.Web,
            _ when hello.Offers(ProvisioningFeature.MqttApplicationProtocols) => FrontDoorRoute.Mqtt,
            { ServerName: { } name } when string.Equals(name, credentialsHost, StringComparison.OrdinalIgnoreCase) => FrontDoorRoute.CredentialsProvider,
            _ => FrontDoorRoute.Web,
        };

    private static void Configure(ListenOptions listen, string credentialsHost)
    {
        var services = listen.ApplicationServices;
        services.GetRequiredService<FrontDoorEndpoint>().Listen = listen;
        var tls = services.GetRequiredService<EndpointTls>();
        var broker = services.GetRequiredService<MqttConnectionHandler>();
        var packetLimit = services.GetRequiredService<MqttPacketSizeLimit>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(FrontDoorListener).FullName!);
        listen.Protocols = HttpProtocols.Http1AndHttp2;

        listen.Use(next => async connection =>
        {
            var (status, hello, problem) = await ClientHelloSniffer.ReadAsync(connection);
            if (status == TlsClientHelloStatus.NeedMoreData)
            {
                connection.Abort();
                return;
            }

            var route = Choose(hello, credentialsHost);
            connection.Features.Set(route);
            var remote = Remote(connection);
            Log.Routed(logger, remote, hello?.ServerName ?? "(none)", hello?.DescribeApplicationProtocols() ?? $"(unreadable: {problem})", route);
            var (name, protocols) = Endpoint(route);
            if (hello is { OffersApplicationProtocols: true } && !hello.Offers(protocols))
            {
                tls.LogRefused(name, remote, $"the client offered ALPN {hello.DescribeApplicationProtocols()}; this route speaks {TlsClientHello.Describe(protocols)} (or no ALPN)");
            }

            await next(connection);
        });
        listen.UseHttps(new TlsHandshakeCallbackOptions
        {
            HandshakeTimeout = TimeSpan.FromSeconds(10),
            OnConnection = context =>
            {
                var route = context.Connection.Features.Get<FrontDoorRoute>();
                var (name, protocols) = Endpoint(route);
                return ValueTask.FromResult(route == FrontDoorRoute.Web
                    ? tls.AnyClient(protocols)
                    : tls.DeviceClients(name, Remote(context.Connection), protocols));
            },
        });
        listen.Use(next => connection =>
        {
            switch (connection.Features.Get<FrontDoorRoute>())
            {
                case FrontDoorRoute.Mqtt:
                    return packetLimit.RunAsync(connection, broker.OnConnectedAsync);
                case FrontDoorRoute.CredentialsProvider:
                    CredentialsProviderEndpoints.MarkListener(connection);
                    return next(connection);
                default:
                    return next(connection);
            }
        });
    }

    private static (string Name, IReadOnlyList<SslApplicationProtocol> Protocols) Endpoint(FrontDoorRoute route) => route switch
    {
        FrontDoorRoute.Mqtt => (MqttEndpointName, ProvisioningFeature.MqttApplicationProtocols),
        FrontDoorRoute.CredentialsProvider => (CredentialsEndpointName, CredentialsProtocols),
        _ => (WebEndpointName, WebProtocols),
    };

    /// <summary>The front door serves MQTT and the credentials provider itself: it cannot share their ports.</summary>
    private static void EnsureOwnPort(int port, IServiceProvider services)
    {
        if (port == 0)
        {
            return;
        }

        var provisioning = services.GetRequiredService<IOptions<ProvisioningOptions>>().Value;
        var credentials = services.GetRequiredService<IOptions<CredentialsProviderOptions>>().Value;
        (int? Port, string Key)[] others =
        [
            (provisioning.MqttPort, "Provisioning:MqttPort"),
            (provisioning.MqttAlpnPort, "Provisioning:MqttAlpnPort"),
            (credentials.Port, "CredentialsProvider:Port"),
        ];
        if (others.FirstOrDefault(o => o.Port == port) is { Key: { } key })
        {
            throw new StartupException($"Server:FrontDoorPort {port} is also {key}; the front door serves MQTT and the credentials provider itself, on a port of its own");
        }
    }

    private static string Remote(ConnectionContext connection) => connection.RemoteEndPoint?.ToString() ?? "?";

    private static partial class Log
    {
        [LoggerMessage(EventId = 60, Level = LogLevel.Debug, Message = "Front door: connection from {Remote} (SNI {ServerName}, ALPN {Protocols}) goes to {Route}")]
        public static partial void Routed(ILogger logger, string remote, string serverName, string protocols, FrontDoorRoute route);
    }
}
