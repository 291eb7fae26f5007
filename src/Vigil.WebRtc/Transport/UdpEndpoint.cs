using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

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

    private long _sendCalls;

    /// Datagrams the kernel refused (no route, buffer full).
    public long SendErrors => Interlocked.Read(ref _sendErrors);

    /// System calls made to send (one per datagram, or one per sendmmsg batch).
    public long SendCalls => Interlocked.Read(ref _sendCalls);

    /// Whether batches go out with sendmmsg(2): Linux only, switched off for good when the kernel
    /// or libc lacks it (ENOSYS); tests switch it off to exercise the per-datagram path.
    internal bool BatchSystemCall { get; set; } = OperatingSystem.IsLinux();

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
            Interlocked.Increment(ref _sendCalls);
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

    /// Sends every datagram of <paramref name="batch"/>, in order, and empties it. Errors are
    /// counted per datagram as in <see cref="Send(ReadOnlySpan{byte}, SocketAddress)"/>; a failed
    /// datagram is skipped and the rest still go out.
    public void Send(UdpBatch batch, SocketAddress destination)
    {
        try
        {
            var done = 0;
            // A dual-mode IPv6 socket would need the IPv4 address mapped; SendTo knows how.
            if (BatchSystemCall && destination.Family == Family && batch.TryPrepare(destination))
            {
                done = SendBatched(batch);
            }

            for (var i = done; i < batch.Count; i++)
            {
                Send(batch[i], destination);
            }
        }
        finally
        {
            batch.Clear();
        }
    }

    /// sendmmsg(2) until every datagram is sent or counted as failed; returns how many are done,
    /// fewer than all only when sendmmsg turned out to be unavailable.
    private int SendBatched(UdpBatch batch)
    {
        var done = 0;
        while (done < batch.Count)
        {
            int sent;
            try
            {
                Interlocked.Increment(ref _sendCalls);
                sent = Sendmmsg.Send(Socket.SafeHandle, batch.MessagesFrom(done), Math.Min(batch.Count - done, Sendmmsg.MaxMessagesPerCall));
            }
            catch (ObjectDisposedException)
            {
                return batch.Count; // closing
            }
            catch (Exception exception) when (exception is DllNotFoundException or EntryPointNotFoundException)
            {
                BatchSystemCall = false;
                return done;
            }

            if (sent > 0)
            {
                // Fewer than asked: the kernel's limit, or an error on the next datagram that it
                // does not report (sendmmsg(2), BUGS); the next call starts there and reports it.
                done += sent;
                continue;
            }

            switch (Marshal.GetLastPInvokeError())
            {
                case Sendmmsg.Enosys:
                    BatchSystemCall = false;
                    return done;
                case Sendmmsg.Eintr when sent < 0:
                    continue;
                default:
                    // -1: nothing was sent and the error belongs to the first datagram (no route,
                    // buffer full, too large); count it and go on with the next, as Send does.
                    Interlocked.Increment(ref _sendErrors);
                    done++;
                    break;
            }
        }

        return done;
    }

    public void Dispose() => Socket.Dispose();
}
