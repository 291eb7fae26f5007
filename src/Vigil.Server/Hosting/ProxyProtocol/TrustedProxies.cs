using System.Net;
using Microsoft.Extensions.Options;

namespace Vigil.Server.Hosting.ProxyProtocol;

/// <summary>
/// The load balancers whose PROXY protocol header is believed (<c>Server:ProxyProtocolFrom</c>). A connection from
/// one of them must begin with a header, and the client address it names replaces the balancer's for limits and
/// logs; a connection from anywhere else is read as it comes, so no client can name an address of its choosing.
/// </summary>
internal sealed class TrustedProxies
{
    private readonly IPNetwork[] _networks;

    public TrustedProxies(IOptions<ServerOptions> options)
    {
        _networks = [.. options.Value.ProxyProtocolFrom.Select(ParseNetwork)];
    }

    /// <summary>True when no balancer is configured (listeners then add nothing to their connections).</summary>
    public bool None => _networks.Length == 0;

    public bool Contains(IPAddress address)
    {
        var plain = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        return _networks.Any(n => n.Contains(plain));
    }

    /// <summary>An address (one host) or a network in CIDR notation; null when it is neither.</summary>
    public static IPNetwork? TryParseNetwork(string text)
    {
        if (IPNetwork.TryParse(text, out var network))
        {
            return network;
        }

        return IPAddress.TryParse(text, out var address) && !text.Contains('%', StringComparison.Ordinal)
            ? new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128)
            : null;
    }

    private static IPNetwork ParseNetwork(string text) =>
        TryParseNetwork(text) ?? throw new InvalidOperationException($"Server:ProxyProtocolFrom: '{text}' is not an address or network");
}
