namespace Vigil.WebRtc.Rtp;

/// The last N protected packets of a stream, for answering NACKs (design M9). The SRTP bytes are
/// kept as sent: re-sending an identical packet keeps its index (and ROC), and the receiver never
/// saw that index, so its replay check passes (libsrtp #567 failed when a resend was re-protected
/// with a new ROC). Thread-safe: the media thread stores, NACK handling (under the connection lock) reads.
internal sealed class RtpHistory
{
    private readonly Lock _gate = new();
    private readonly Slot[] _slots;

    public RtpHistory(int capacity, int maxPacketSize)
    {
        _slots = new Slot[capacity];
        for (var i = 0; i < capacity; i++)
        {
            _slots[i] = new Slot(new byte[maxPacketSize]);
        }
    }

    public void Store(ushort sequence, ReadOnlySpan<byte> packet, TimeSpan now)
    {
        lock (_gate)
        {
            var slot = _slots[sequence % _slots.Length];
            packet.CopyTo(slot.Data);
            slot.Sequence = sequence;
            slot.Length = packet.Length;
            slot.LastSent = now;
        }
    }

    /// Copies the stored packet for <paramref name="sequence"/> if it is still held and was not
    /// sent within <paramref name="minInterval"/> (once per RTT is enough); returns its length or 0.
    public int TryCopyForResend(ushort sequence, Span<byte> destination, TimeSpan now, TimeSpan minInterval)
    {
        lock (_gate)
        {
            var slot = _slots[sequence % _slots.Length];
            if (slot.Length == 0 || slot.Sequence != sequence || now - slot.LastSent < minInterval)
            {
                return 0;
            }

            slot.LastSent = now;
            slot.Data.AsSpan(0, slot.Length).CopyTo(destination);
            return slot.Length;
        }
    }

    private sealed class Slot(byte[] data)
    {
        public byte[] Data { get; } = data;

        public ushort Sequence { get; set; }

        public int Length { get; set; }

        public TimeSpan LastSent { get; set; }
    }
}
