using System.Net.Security;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Vigil.Server.Hosting.Tls;

namespace Vigil.Server.Features.Pki;

/// <summary>
/// TLS for the device endpoints (MQTT, credentials provider): see <see cref="EndpointTls.DeviceClients"/>.
/// The port speaks the given ALPN protocols, and also serves a client that offers none. A client that offers
/// only others (<c>h2</c> on the MQTT port) is refused by the handshake (alert no_application_protocol,
/// RFC 7301 §3.2), and the log says which protocols it offered: its ClientHello is read before the handshake.
/// </summary>
internal static class MutualTlsListener
{
    public static ListenOptions UseDeviceMutualTls(this ListenOptions listen, string endpointName, IReadOnlyList<SslApplicationProtocol> applicationProtocols)
    {
        var tls = listen.ApplicationServices.GetRequiredService<EndpointTls>();
        var served = TlsClientHello.Describe(applicationProtocols);
        listen.Use(next => async connection =>
        {
            var (status, hello, _) = await ClientHelloSniffer.ReadAsync(connection);
            if (status == TlsClientHelloStatus.NeedMoreData)
            {
                // Closed, or nothing sent in time: there is no handshake to run.
                connection.Abort();
                return;
            }

            if (hello is { OffersApplicationProtocols: true } && !hello.Offers(applicationProtocols))
            {
                tls.LogRefused(endpointName, connection.RemoteEndPoint?.ToString() ?? "?",
                    $"the client offered ALPN {hello.DescribeApplicationProtocols()}; this port speaks {served} (or no ALPN)");
            }

            // A ClientHello that could not be read is left to the handshake, which refuses it with its own error.
            await next(connection);
        });
        listen.UseHttps(new TlsHandshakeCallbackOptions
        {
            HandshakeTimeout = TimeSpan.FromSeconds(10),
            OnConnection = context => ValueTask.FromResult(
                tls.DeviceClients(endpointName, context.Connection.RemoteEndPoint?.ToString() ?? "?", applicationProtocols)),
        });
        return listen;
    }
}
