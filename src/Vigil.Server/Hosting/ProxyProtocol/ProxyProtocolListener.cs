using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Vigil.Server.Hosting.ProxyProtocol;

/// <summary>
/// The connection middleware that reads a trusted balancer's PROXY protocol header before anything else on a
/// listener (before TLS: HAProxy passes TLS through and writes the header in clear in front of it), and makes the
/// client's address the connection's remote address, which HTTP, MQTT and the limits then see.
/// </summary>
internal static partial class ProxyProtocolListener
{
    /// <summary>How long a trusted balancer has to send its header (it sends it at once, before the client's bytes).</summary>
    private static readonly TimeSpan HeaderTimeout = TimeSpan.FromSeconds(5);

    public static ListenOptions UseProxyProtocol(this ListenOptions listen, TrustedProxies trusted, ILogger logger)
    {
        if (trusted.None)
        {
            return listen;
        }

        listen.Use(next => async connection =>
        {
            if (connection.RemoteEndPoint is not IPEndPoint balancer || !trusted.Contains(balancer.Address))
            {
                await next(connection);
                return;
            }

            ProxyHeader header;
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(connection.ConnectionClosed))
            {
                timeout.CancelAfter(HeaderTimeout);
                try
                {
                    header = await ProxyProtocolReader.ReadAsync(connection.Transport.Input, timeout.Token);
                }
                catch (OperationCanceledException)
                {
                    header = new ProxyHeader(null, null, 0, $"no PROXY protocol header within {HeaderTimeout.TotalSeconds:0} s");
                }
            }

            if (header.Error is { } error)
            {
                Log.Refused(logger, balancer, error);
                return; // the connection is closed: a balancer that should send the header and did not is misconfigured
            }

            if (header.Source is { } client)
            {
                connection.RemoteEndPoint = client;
            }

            await next(connection);
        });
        return listen;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1030, Level = LogLevel.Warning, Message = "Connection from the load balancer {Balancer} closed: {Reason} (Server:ProxyProtocolFrom lists it; set send-proxy-v2 on its server lines, or remove it from the list)")]
        public static partial void Refused(ILogger logger, IPEndPoint balancer, string reason);
    }
}
