using System.Net;
using System.Net.Sockets;

namespace Vigil.Server.Hosting;

/// <summary>
/// Checks that a listening port is free before the server binds it, so "port in use" is one
/// clear line naming the setting instead of the host's logged stack trace.
/// </summary>
internal static class PortProbe
{
    public static void EnsureFree(string listenAddress, int port, string settingKey)
    {
        if (port == 0)
        {
            return;
        }

        var address = listenAddress switch
        {
            "*" => IPAddress.IPv6Any,
            "localhost" => IPAddress.Loopback,
            _ => IPAddress.Parse(listenAddress),
        };
        try
        {
            using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            if (address.Equals(IPAddress.IPv6Any))
            {
                socket.DualMode = true;
            }

            socket.Bind(new IPEndPoint(address, port));
            socket.Listen();
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            throw new StartupException($"port {port} is already in use on {listenAddress} ({settingKey}); stop the other program or choose another port", e);
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.AddressNotAvailable or SocketError.AccessDenied)
        {
            throw new StartupException($"cannot listen on {listenAddress}:{port} ({settingKey}, Server:ListenAddress): {e.Message}", e);
        }
    }
}
