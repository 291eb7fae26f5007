using Org.BouncyCastle.Tls;

namespace Vigil.WebRtc.Dtls;

/// BouncyCastle's view of the ICE transport: DTLS records the demultiplexer routes here (first
/// byte 20..63, RFC 7983 §7) wait in a bounded queue until BC's blocking Receive takes them;
/// Send goes to the currently selected ICE pair (through TURN when relayed). Records that arrive
/// before the handshake starts are kept (jimm98y/SharpRTSPtoWebRTC #19 lost them).
internal sealed class DtlsDatagramQueue(Action<ReadOnlyMemory<byte>> send, int sendLimit) : DatagramTransport, IDisposable
{
    private const int Capacity = 128;
    private readonly Queue<byte[]> _incoming = new();
    // A monitor, not a Lock or a BlockingCollection: BC's thread waits here with a timeout for its
    // whole life, and a monitor wait blocks at once where SemaphoreSlim (inside BlockingCollection)
    // spins with sched_yield first, a visible share of a stream's CPU on a busy 2-core machine.
    private readonly object _gate = new();
    private bool _closed;

    public bool IsClosed
    {
        get
        {
            lock (_gate)
            {
                return _closed;
            }
        }
    }

    /// Queues one record from the network; drops it when the queue is full or closed.
    public void Enqueue(ReadOnlySpan<byte> record)
    {
        var copy = record.ToArray();
        lock (_gate)
        {
            if (_closed || _incoming.Count >= Capacity)
            {
                return;
            }

            _incoming.Enqueue(copy);
            Monitor.Pulse(_gate);
        }
    }

    // Large enough for any datagram; BC checks records against it.
    public int GetReceiveLimit() => 1500;

    // Handshake fragments must survive TURN framing (Send indication ≈ 36 B) on a 1280-byte path.
    public int GetSendLimit() => sendLimit;

    public int Receive(byte[] buf, int off, int len, int waitMillis) => Receive(buf.AsSpan(off, len), waitMillis);

    public int Receive(Span<byte> buffer, int waitMillis)
    {
        byte[] record;
        lock (_gate)
        {
            if (_incoming.Count == 0)
            {
                if (_closed)
                {
                    // Unblocks BC for good once the session is torn down.
                    throw new TlsFatalAlert(AlertDescription.close_notify);
                }

                if (waitMillis > 0)
                {
                    Monitor.Wait(_gate, waitMillis);
                }

                if (_incoming.Count == 0)
                {
                    return -1; // timed out, or closed (the next call throws)
                }
            }

            record = _incoming.Dequeue();
        }

        var length = Math.Min(record.Length, buffer.Length);
        record.AsSpan(0, length).CopyTo(buffer);
        return length;
    }

    public void Send(byte[] buf, int off, int len) => send(buf.AsMemory(off, len).ToArray());

    public void Send(ReadOnlySpan<byte> buffer) => send(buffer.ToArray());

    public void Close()
    {
        lock (_gate)
        {
            _closed = true;
            Monitor.PulseAll(_gate);
        }
    }

    public void Dispose() => Close();
}
