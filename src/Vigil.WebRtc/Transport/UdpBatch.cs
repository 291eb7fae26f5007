using System.Net;
using System.Runtime.InteropServices;

namespace Vigil.WebRtc.Transport;

/// Datagrams collected for one destination and sent together by <see cref="UdpEndpoint.Send(UdpBatch, SocketAddress)"/>
/// with one sendmmsg(2) call on Linux: a pacing burst of a video frame costs one system call (and
/// one wake-up of the receiver) instead of one per packet (docs/benchmarks.md, sender CPU).
/// Everything is allocated once, on the pinned object heap, because the kernel reads the slots,
/// the iovecs and the address through the raw pointers stored in <see cref="Sendmmsg.Message"/>:
/// pinned arrays never move, so the pointers stay valid without unsafe code or per-send pinning.
/// One writer at a time (the owning VideoTrack's).
internal sealed class UdpBatch
{
    // sockaddr_storage: large enough for sockaddr_in6 and everything .NET serializes.
    private const int AddressBytes = 128;

    private readonly byte[] _slots;
    private readonly Sendmmsg.Message[] _messages;
    private readonly Sendmmsg.IoVector[] _vectors;
    private readonly byte[] _address;

    public UdpBatch(int capacity, int slotBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(slotBytes, 1);
        Capacity = capacity;
        SlotBytes = slotBytes;
        _slots = GC.AllocateArray<byte>(checked(capacity * slotBytes), pinned: true);
        _messages = GC.AllocateArray<Sendmmsg.Message>(capacity, pinned: true);
        _vectors = GC.AllocateArray<Sendmmsg.IoVector>(capacity, pinned: true);
        _address = GC.AllocateArray<byte>(AddressBytes, pinned: true);
        var address = Marshal.UnsafeAddrOfPinnedArrayElement(_address, 0);
        for (var i = 0; i < capacity; i++)
        {
            _vectors[i].Base = Marshal.UnsafeAddrOfPinnedArrayElement(_slots, i * slotBytes);
            _messages[i].Header.Name = address;
            _messages[i].Header.Vector = Marshal.UnsafeAddrOfPinnedArrayElement(_vectors, i);
            _messages[i].Header.VectorLength = 1;
        }
    }

    public int Capacity { get; }

    public int SlotBytes { get; }

    public int Count { get; private set; }

    public bool IsFull => Count == Capacity;

    /// The free slot to write the next datagram into; <see cref="Commit"/> adds it.
    public Span<byte> NextSlot()
    {
        if (IsFull)
        {
            throw new InvalidOperationException("The UDP batch is full; send it first.");
        }

        return _slots.AsSpan(Count * SlotBytes, SlotBytes);
    }

    public void Commit(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, SlotBytes);
        if (IsFull)
        {
            throw new InvalidOperationException("The UDP batch is full; send it first.");
        }

        _vectors[Count++].Length = (nuint)length;
    }

    public void Add(ReadOnlySpan<byte> datagram)
    {
        datagram.CopyTo(NextSlot());
        Commit(datagram.Length);
    }

    public ReadOnlySpan<byte> this[int index] =>
        (uint)index < (uint)Count ? _slots.AsSpan(index * SlotBytes, (int)_vectors[index].Length) : throw new ArgumentOutOfRangeException(nameof(index));

    public void Clear() => Count = 0;

    /// Fills in the destination of the queued messages; false when the address does not fit (then
    /// the caller sends one datagram at a time).
    internal bool TryPrepare(SocketAddress destination)
    {
        if (destination.Size > AddressBytes)
        {
            return false;
        }

        // SocketAddress holds the platform's native sockaddr bytes, so they are copied as they are.
        destination.Buffer.Span[..destination.Size].CopyTo(_address);
        for (var i = 0; i < Count; i++)
        {
            _messages[i].Header.NameLength = (uint)destination.Size;
        }

        return true;
    }

    /// Address of the first message not sent yet, for sendmmsg's msgvec.
    internal nint MessagesFrom(int index) => Marshal.UnsafeAddrOfPinnedArrayElement(_messages, index);
}
