using System.Net;
using System.Net.Sockets;

namespace Vigil.WebRtc.Transport;

/// One UDP socket bound to one local address (design M3: bound per address so the source address
/// of what we send matches the candidate). The send buffer is raised for keyframe bursts.
internal sealed class UdpEndpoint : IDisposable
{
    private UdpEndpoint(Socket socket)
    {
        Socket = socket;
        LocalEndPoint = (IPEndPoint)socket.LocalEndPoint!;
    }

    public Socket Socket { get; }

    public IPEndPoint LocalEndPoint { get; }

    public AddressFamily Family => LocalEndPoint.AddressFamily;

    private long _sendErrors;

    /// Datagrams the kernel refused (no route, buffer full).
    public long SendErrors => Interlocked.Read(ref _sendErrors);

    /// Binds to <paramref name="address"/> on the first free port of [portMin, portMax], or an
    /// ephemeral port when portMin is 0.
    public static UdpEndpoint Bind(IPAddress address, int portMin, int portMax, int sendBufferBytes)
    {
        var first = portMin == 0 ? 0 : portMin;
        var last = portMin == 0 ? 0 : Math.Max(portMin, portMax);
        SocketException? lastError = null;
        for (var port = first; port <= last; port++)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            try
            {
                socket.SendBufferSize = sendBufferBytes;
                socket.ReceiveBufferSize = 256 * 1024;
                socket.Bind(new IPEndPoint(address, port));
                return new UdpEndpoint(socket);
            }
            catch (SocketException exception)
            {
                socket.Dispose();
                lastError = exception;
            }
        }

        throw new IOException($"No free UDP port on {address} in {portMin}-{portMax}.", lastError);
    }

    /// Sends one datagram; transient errors (no route, buffer full) are counted, not thrown —
    /// UDP is lossy anyway and ICE/RTCP recover.
    public void Send(ReadOnlySpan<byte> datagram, SocketAddress destination)
    {
        try
        {
            Socket.SendTo(datagram, SocketFlags.None, destination);
        }
        catch (SocketException)
        {
            Interlocked.Increment(ref _sendErrors);
        }
        catch (ObjectDisposedException)
        {
            // Closing.
        }
    }

    public void Send(ReadOnlySpan<byte> datagram, IPEndPoint destination) => Send(datagram, destination.Serialize());

    public void Dispose() => Socket.Dispose();
}
