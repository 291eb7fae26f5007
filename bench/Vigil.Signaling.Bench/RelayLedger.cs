using System.Globalization;

namespace Vigil.Signaling.Bench;

/// <summary>
/// End-to-end accounting of relayed messages: every message belongs to a stream (one sender → one recipient)
/// and carries its sequence number there, reserved with <see cref="Send"/> before it is written. Receiving
/// marks it; after <see cref="CloseWindow"/> (sending has stopped) the first receipt of a message counts as
/// <em>late</em> — it was in flight when the window closed, not lost. Whatever is still unreceived when the
/// drain period ends is <em>lost</em>; a second receipt is a duplicate; a sequence number never sent is unknown.
/// </summary>
internal sealed class RelayLedger
{
    private readonly Stream[] _streams;
    private int _windowClosed;
    private long _late;
    private long _duplicated;
    private long _unknown;

    public RelayLedger(int streams)
    {
        _streams = new Stream[streams];
        for (var i = 0; i < streams; i++)
        {
            _streams[i] = new Stream();
        }
    }

    /// <summary>Reserves the next sequence number of <paramref name="stream"/> for a message about to be sent.</summary>
    public int Send(int stream)
    {
        var s = _streams[stream];
        lock (s.Gate)
        {
            s.Received.Add(0);
            return s.Received.Count - 1;
        }
    }

    /// <summary>A message whose send failed (the socket broke): it was never on the wire, so it is not counted as sent.</summary>
    public void Unsent(int stream, int sequence)
    {
        var s = _streams[stream];
        lock (s.Gate)
        {
            if (s.Received[sequence] == 0)
            {
                s.Received[sequence] = byte.MaxValue;
            }
        }
    }

    /// <summary>Marks a receipt; true the first time this message arrives.</summary>
    public bool Receive(int stream, int sequence)
    {
        if ((uint)stream >= (uint)_streams.Length)
        {
            Interlocked.Increment(ref _unknown);
            return false;
        }

        var s = _streams[stream];
        lock (s.Gate)
        {
            if ((uint)sequence >= (uint)s.Received.Count || s.Received[sequence] == byte.MaxValue)
            {
                Interlocked.Increment(ref _unknown);
                return false;
            }

            var previous = s.Received[sequence];
            s.Received[sequence] = (byte)Math.Min(previous + 1, byte.MaxValue - 1);
            if (previous > 0)
            {
                Interlocked.Increment(ref _duplicated);
                return false;
            }
        }

        if (Volatile.Read(ref _windowClosed) == 1)
        {
            Interlocked.Increment(ref _late);
        }

        return true;
    }

    /// <summary>Sending has stopped: from now on a first receipt is a late one.</summary>
    public void CloseWindow() => Volatile.Write(ref _windowClosed, 1);

    public RelayCount Count()
    {
        long sent = 0, received = 0;
        foreach (var s in _streams)
        {
            lock (s.Gate)
            {
                foreach (var count in s.Received)
                {
                    if (count != byte.MaxValue)
                    {
                        sent++;
                        received += count > 0 ? 1 : 0;
                    }
                }
            }
        }

        return new RelayCount(sent, received, Interlocked.Read(ref _duplicated), sent - received, Interlocked.Read(ref _late), Interlocked.Read(ref _unknown));
    }

    private sealed class Stream
    {
        public Lock Gate { get; } = new();

        /// <summary>Receipts per sequence number (byte.MaxValue: never sent).</summary>
        public List<byte> Received { get; } = [];
    }
}

/// <summary>
/// Sent and received (once each), received again (duplicated), never received (lost), received only after sending
/// stopped (late: in flight when the window closed), and receipts of messages never sent (unknown).
/// </summary>
internal sealed record RelayCount(long Sent, long Received, long Duplicated, long Lost, long Late, long Unknown)
{
    public bool ExactlyOnce => Lost == 0 && Duplicated == 0 && Unknown == 0;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"sent {Sent:N0}, received {Received:N0}, duplicated {Duplicated}, lost {Lost}, late {Late} (in flight when sending stopped), unknown {Unknown}");
}
