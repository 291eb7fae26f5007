using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace Vigil.WebRtc.Stun;

/// Writes a STUN message (RFC 8489 §5, §14). Attributes are appended in call order and the
/// header length is kept current, so MESSAGE-INTEGRITY and FINGERPRINT can be added last.
internal sealed class StunMessageBuilder
{
    private byte[] _buffer;
    private int _length;

    public StunMessageBuilder(StunMethod method, StunClass cls, StunTransactionId transactionId, int capacity = 256)
    {
        _buffer = new byte[Math.Max(capacity, StunMessage.HeaderLength)];
        BinaryPrimitives.WriteUInt16BigEndian(_buffer, StunMessage.EncodeType(method, cls));
        BinaryPrimitives.WriteUInt32BigEndian(_buffer.AsSpan(4), StunMessage.MagicCookie);
        transactionId.Write(_buffer.AsSpan(8));
        _length = StunMessage.HeaderLength;
        TransactionId = transactionId;
    }

    public StunTransactionId TransactionId { get; }

    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _length);

    public byte[] ToArray() => Written.ToArray();

    /// padding: value of the pad bytes; arbitrary on receive (RFC 8489 §14), but the RFC 5769
    /// sample pads USERNAME with 0x20, so tests can reproduce it byte for byte.
    public StunMessageBuilder Add(ushort type, ReadOnlySpan<byte> value, byte padding = 0)
    {
        var value4 = Reserve(type, value.Length, padding);
        value.CopyTo(value4);
        return this;
    }

    public StunMessageBuilder AddString(ushort type, string value, byte padding = 0)
    {
        var byteCount = Encoding.UTF8.GetByteCount(value);
        Encoding.UTF8.GetBytes(value, Reserve(type, byteCount, padding));
        return this;
    }

    public StunMessageBuilder AddUInt32(ushort type, uint value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(Reserve(type, 4, 0), value);
        return this;
    }

    public StunMessageBuilder AddUInt64(ushort type, ulong value)
    {
        BinaryPrimitives.WriteUInt64BigEndian(Reserve(type, 8, 0), value);
        return this;
    }

    public StunMessageBuilder AddFlag(ushort type)
    {
        Reserve(type, 0, 0);
        return this;
    }

    public StunMessageBuilder AddXorAddress(ushort type, IPEndPoint endPoint)
    {
        var value = Reserve(type, StunAddress.EncodedLength(endPoint), 0);
        StunAddress.WriteXor(value, endPoint, _buffer.AsSpan(4, 16));
        return this;
    }

    /// RFC 8489 §14.8.
    public StunMessageBuilder AddErrorCode(int code, string reason)
    {
        var reasonLength = Encoding.UTF8.GetByteCount(reason);
        var value = Reserve(StunAttributeType.ErrorCode, 4 + reasonLength, 0);
        value[0] = 0;
        value[1] = 0;
        value[2] = (byte)(code / 100);
        value[3] = (byte)(code % 100);
        Encoding.UTF8.GetBytes(reason, value[4..]);
        return this;
    }

    /// RFC 8489 §14.13: a list of 16-bit attribute types.
    public StunMessageBuilder AddUnknownAttributes(IReadOnlyList<ushort> types)
    {
        var value = Reserve(StunAttributeType.UnknownAttributes, types.Count * 2, 0);
        for (var i = 0; i < types.Count; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(value[(2 * i)..], types[i]);
        }

        return this;
    }

    /// RFC 8489 §14.5.
    public StunMessageBuilder AddMessageIntegrity(ReadOnlySpan<byte> key)
    {
        Span<byte> mac = stackalloc byte[20];
        StunMessage.ComputeMessageIntegrity(Written, key, mac);
        return Add(StunAttributeType.MessageIntegrity, mac);
    }

    /// RFC 8489 §14.7: computed with the length field already covering FINGERPRINT.
    public StunMessageBuilder AddFingerprint()
    {
        var value = Reserve(StunAttributeType.Fingerprint, 4, 0);
        var crc = System.IO.Hashing.Crc32.HashToUInt32(_buffer.AsSpan(0, _length - 8)) ^ StunMessage.FingerprintXor;
        BinaryPrimitives.WriteUInt32BigEndian(value, crc);
        return this;
    }

    private Span<byte> Reserve(ushort type, int valueLength, byte padding)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(valueLength, ushort.MaxValue);

        var padded = (valueLength + 3) & ~3;
        var needed = _length + 4 + padded;
        if (needed - StunMessage.HeaderLength > ushort.MaxValue)
        {
            throw new InvalidOperationException("STUN message too long.");
        }

        if (needed > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(needed, _buffer.Length * 2));
        }

        var span = _buffer.AsSpan(_length);
        BinaryPrimitives.WriteUInt16BigEndian(span, type);
        BinaryPrimitives.WriteUInt16BigEndian(span[2..], (ushort)valueLength);
        span.Slice(4 + valueLength, padded - valueLength).Fill(padding);
        _length = needed;
        BinaryPrimitives.WriteUInt16BigEndian(_buffer.AsSpan(2), (ushort)(_length - StunMessage.HeaderLength));
        return span.Slice(4, valueLength);
    }
}
