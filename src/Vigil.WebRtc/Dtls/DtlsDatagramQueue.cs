using System.Collections.Concurrent;
using Org.BouncyCastle.Tls;

namespace Vigil.WebRtc.Dtls;

/// BouncyCastle's view of the ICE transport: DTLS records the demultiplexer routes here (first
/// byte 20..63, RFC 7983 §7) wait in a bounded queue until BC's blocking Receive takes them;
/// Send goes to the currently selected ICE pair (through TURN when relayed). Records that arrive
/// before the handshake starts are kept (jimm98y/SharpRTSPtoWebRTC #19 lost them).
internal sealed class DtlsDatagramQueue(Action<ReadOnlyMemory<byte>> send, int sendLimit) : DatagramTransport, IDisposable
{
    private const int Capacity = 128;
    private readonly BlockingCollection<byte[]> _incoming = new(Capacity);

    public bool IsClosed => _incoming.IsAddingCompleted;

    /// Queues one record from the network; drops it when the queue is full or closed.
    public void Enqueue(ReadOnlySpan<byte> record)
    {
        if (!_incoming.IsAddingCompleted)
        {
            try
            {
                _incoming.TryAdd(record.ToArray());
            }
            catch (InvalidOperationException)
            {
                // Closed concurrently.
            }
        }
    }

    // Large enough for any datagram; BC checks records against it.
    public int GetReceiveLimit() => 1500;

    // Handshake fragments must survive TURN framing (Send indication ≈ 36 B) on a 1280-byte path.
    public int GetSendLimit() => sendLimit;

    public int Receive(byte[] buf, int off, int len, int waitMillis) => Receive(buf.AsSpan(off, len), waitMillis);

    public int Receive(Span<byte> buffer, int waitMillis)
    {
        if (_incoming.IsCompleted)
        {
            // Unblocks BC for good once the session is torn down.
            throw new TlsFatalAlert(AlertDescription.close_notify);
        }

        if (!_incoming.TryTake(out var record, Math.Max(0, waitMillis)))
        {
            return -1;
        }

        var length = Math.Min(record.Length, buffer.Length);
        record.AsSpan(0, length).CopyTo(buffer);
        return length;
    }

    public void Send(byte[] buf, int off, int len) => send(buf.AsMemory(off, len).ToArray());

    public void Send(ReadOnlySpan<byte> buffer) => send(buffer.ToArray());

    public void Close() => _incoming.CompleteAdding();

    public void Dispose()
    {
        _incoming.CompleteAdding();
        _incoming.Dispose();
    }
}
