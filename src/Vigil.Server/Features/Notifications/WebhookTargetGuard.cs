using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using Vigil.Server.Features.Credentials;
using Vigil.Server.Features.Ingest;
using Vigil.Server.Features.Provisioning;
using Vigil.Server.Hosting;
using Vigil.Server.Hosting.FrontDoor;

namespace Vigil.Server.Features.Notifications;

/// <summary>
/// Where a rule's webhook may connect (server-side request forgery): never loopback (unless
/// <c>Notifications:AllowLoopbackWebhookTargets</c>), link-local (169.254.0.0/16, fe80::/10: cloud
/// metadata services), the unspecified address, multicast or broadcast, nor one of Vigil's own
/// ports on this machine; private LAN ranges only with <c>Notifications:AllowPrivateWebhookTargets</c>.
/// Applied to the address actually connected to, after DNS resolution, on every attempt (a name
/// that resolved to a public address when the rule was saved may resolve to 127.0.0.1 later), and
/// to literal addresses when a rule is saved.
/// </summary>
internal sealed class WebhookTargetGuard(
    IOptions<NotificationsOptions> options,
    IOptions<ServerOptions> server,
    IOptions<IngestOptions> ingest,
    IOptions<ProvisioningOptions> provisioning,
    IOptions<CredentialsProviderOptions> credentials,
    IServiceProvider services)
{
    /// <summary>Why a connection to <paramref name="address"/>:<paramref name="port"/> is refused, or null when it is allowed.</summary>
    public string? Refusal(IPAddress address, int port)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        var settings = options.Value;
        if (Category(address) is { } category)
        {
            var allowed = category switch
            {
                AddressCategory.Loopback => settings.AllowLoopbackWebhookTargets,
                AddressCategory.Private => settings.AllowPrivateWebhookTargets,
                _ => false,
            };
            if (!allowed)
            {
                return category switch
                {
                    AddressCategory.Loopback => $"{address} is a loopback address (Notifications:AllowLoopbackWebhookTargets is off)",
                    AddressCategory.Private => $"{address} is a private network address (Notifications:AllowPrivateWebhookTargets is off)",
                    AddressCategory.LinkLocal => $"{address} is a link-local address",
                    AddressCategory.Unspecified => $"{address} is the unspecified address",
                    _ => $"{address} is a multicast or broadcast address",
                };
            }
        }

        return IsThisMachine(address) && OwnPorts().Contains(port) ? $"{address}:{port} is one of Vigil's own ports" : null;
    }

    /// <summary>The refusal of a URL whose host is written as an address (names are checked when resolved, at delivery).</summary>
    public string? LiteralRefusal(Uri url) =>
        IPAddress.TryParse(url.IdnHost.Trim('[', ']'), out var address) ? Refusal(address, url.Port) : null;

    /// <summary>
    /// The connect step of the webhook client: resolves the name, drops every refused address and
    /// connects to the first allowed one that answers. All refused: an <see cref="HttpRequestException"/> naming why.
    /// </summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var (host, port) = (context.DnsEndPoint.Host, context.DnsEndPoint.Port);
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
        var refusals = new List<string>();
        SocketException? lastError = null;
        foreach (var address in addresses)
        {
            if (Refusal(address, port) is { } refusal)
            {
                refusals.Add(refusal);
                continue;
            }

            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, port), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                lastError = e;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        if (lastError is not null)
        {
            throw lastError;
        }

        throw new HttpRequestException(refusals.Count == 0
            ? $"{host} has no address"
            : $"webhook target refused: {string.Join("; ", refusals.Distinct(StringComparer.Ordinal))}");
    }

    private enum AddressCategory
    {
        Loopback,
        Private,
        LinkLocal,
        Unspecified,
        Multicast,
    }

    private static AddressCategory? Category(IPAddress address)
    {
        if (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
        {
            return AddressCategory.Unspecified;
        }

        if (IPAddress.IsLoopback(address))
        {
            return AddressCategory.Loopback;
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return b[0] switch
            {
                0 => AddressCategory.Unspecified, // 0.0.0.0/8, "this network"
                10 => AddressCategory.Private,
                100 when b[1] is >= 64 and < 128 => AddressCategory.Private, // 100.64.0.0/10, carrier-grade NAT
                169 when b[1] == 254 => AddressCategory.LinkLocal,
                172 when b[1] is >= 16 and < 32 => AddressCategory.Private,
                192 when b[1] == 168 => AddressCategory.Private,
                >= 224 => AddressCategory.Multicast, // multicast 224/4, reserved 240/4 and broadcast
                _ => null,
            };
        }

        if (address.IsIPv6Multicast)
        {
            return AddressCategory.Multicast;
        }

        if (address.IsIPv6LinkLocal)
        {
            return AddressCategory.LinkLocal;
        }

        // fc00::/7 (unique local) and the deprecated site-local fec0::/10.
        return address.IsIPv6UniqueLocal || address.IsIPv6SiteLocal ? AddressCategory.Private : null;
    }

    private static bool IsThisMachine(IPAddress address)
    {
        if (IPAddress.IsLoopback(address))
        {
            return true;
        }

        try
        {
            return NetworkInterface.GetAllNetworkInterfaces()
                .SelectMany(i => i.GetIPProperties().UnicastAddresses)
                .Any(u => u.Address.Equals(address));
        }
        catch (NetworkInformationException)
        {
            return false;
        }
    }

    /// <summary>Every port Vigil is configured for or bound to (a setting of 0 binds a free port, so the bound ones count too).</summary>
    private HashSet<int> OwnPorts()
    {
        var ports = new HashSet<int>
        {
            server.Value.HttpPort,
            server.Value.HttpsPort,
            ingest.Value.SmtpPort,
            provisioning.Value.MqttPort,
            credentials.Value.Port,
        };
        if (server.Value.FrontDoorPort is { } frontDoor)
        {
            ports.Add(frontDoor);
        }

        if (provisioning.Value.MqttAlpnPort is { } alpn)
        {
            ports.Add(alpn);
        }

        if (services.GetService<FrontDoorEndpoint>()?.Port is { } boundFrontDoor)
        {
            ports.Add(boundFrontDoor);
        }

        foreach (var address in services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses ?? [])
        {
            if (Uri.TryCreate(address.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var uri))
            {
                ports.Add(uri.Port);
            }
        }

        ports.Remove(0);
        return ports;
    }
}
