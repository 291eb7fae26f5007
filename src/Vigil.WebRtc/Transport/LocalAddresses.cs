using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace Vigil.WebRtc.Transport;

/// Usable local addresses for host candidates (design M3): interfaces that are up, IPv4 and
/// global IPv6 unicast, no loopback and no link-local (RFC 8445 §5.1.1.1 advises against the
/// latter; IPv4-mapped and site-local IPv6 are skipped too).
internal static class LocalAddresses
{
    public static List<IPAddress> Discover()
    {
        var result = new List<IPAddress>();
        foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
        {
            if (nic.OperationalStatus != OperationalStatus.Up || nic.NetworkInterfaceType == NetworkInterfaceType.Loopback)
            {
                continue;
            }

            foreach (var unicast in nic.GetIPProperties().UnicastAddresses)
            {
                var address = unicast.Address;
                if (IPAddress.IsLoopback(address))
                {
                    continue;
                }

                if (address.AddressFamily == AddressFamily.InterNetwork)
                {
                    var bytes = address.GetAddressBytes();
                    if (bytes[0] == 169 && bytes[1] == 254)
                    {
                        continue;
                    }

                    result.Add(address);
                }
                else if (address.AddressFamily == AddressFamily.InterNetworkV6
                    && !address.IsIPv6LinkLocal && !address.IsIPv6SiteLocal && !address.IsIPv4MappedToIPv6 && !address.IsIPv6Multicast)
                {
                    result.Add(address);
                }
            }
        }

        return result;
    }
}
