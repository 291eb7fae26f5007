using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace Vigil.WebRtc.Stun;

/// A parsed STUN message (RFC 8489 §5). The parser copies the datagram and records where each
/// attribute is; accessors decode on demand. Untrusted input only ever yields <c>false</c>.
/// <code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |0 0|     STUN Message Type     |         Message Length        |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                         Magic Cookie                          |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                     Transaction ID (96 bits)                  |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// </code>
internal sealed class StunMessage
{
    public const uint MagicCookie = 0x2112A442;
    public const int HeaderLength = 20;

    /// RFC 8489 §14.7: the CRC-32 is XORed with this so that FINGERPRINT differs from other
    /// CRC-protected protocols multiplexed on the same port.
    public const uint FingerprintXor = 0x5354554E;

    private const int MessageIntegrityLength = 20;

    private readonly byte[] _raw;
    private readonly List<(ushort Type, int Offset, int Length)> _attributes;
    private readonly int _integrityOffset;
    private readonly int _fingerprintOffset;

    private StunMessage(byte[] raw, List<(ushort, int, int)> attributes, int integrityOffset, int fingerprintOffset)
    {
        _raw = raw;
        _attributes = attributes;
        _integrityOffset = integrityOffset;
        _fingerprintOffset = fingerprintOffset;
        var type = BinaryPrimitives.ReadUInt16BigEndian(raw);
        Method = (StunMethod)DecodeMethod(type);
        Class = (StunClass)(((type >> 4) & 1) | ((type >> 7) & 2));
        TransactionId = StunTransactionId.Read(raw.AsSpan(8));
    }

    public StunMethod Method { get; }

    public StunClass Class { get; }

    public StunTransactionId TransactionId { get; }

    public ReadOnlySpan<byte> Raw => _raw;

    public bool HasMessageIntegrity => _integrityOffset >= 0;

    public bool HasFingerprint => _fingerprintOffset >= 0;

    /// The attribute types in order of appearance (those after MESSAGE-INTEGRITY excluded).
    public IEnumerable<ushort> AttributeTypes => _attributes.Select(a => a.Type);

    /// RFC 8489 §5 (type field) and RFC 7983 §7 (first byte 0..3): a cheap test used by the
    /// demultiplexer before a full parse.
    public static bool LooksLikeStun(ReadOnlySpan<byte> datagram) =>
        datagram.Length >= HeaderLength && (datagram[0] & 0xC0) == 0
        && BinaryPrimitives.ReadUInt32BigEndian(datagram[4..]) == MagicCookie;

    /// RFC 8489 §5: M11..M0 are interleaved with the class bits C1 (bit 8) and C0 (bit 4).
    public static ushort EncodeType(StunMethod method, StunClass cls)
    {
        var m = (int)method;
        var c = (int)cls;
        return (ushort)((m & 0x000F) | ((m & 0x0070) << 1) | ((m & 0x0F80) << 2) | ((c & 1) << 4) | ((c & 2) << 7));
    }

    private static int DecodeMethod(ushort type) => (type & 0x000F) | ((type & 0x00E0) >> 1) | ((type & 0x3E00) >> 2);

    public static bool TryParse(ReadOnlySpan<byte> datagram, [NotNullWhen(true)] out StunMessage? message)
    {
        message = null;
        if (!LooksLikeStun(datagram))
        {
            return false;
        }

        // RFC 8489 §5: the length excludes the header and is a multiple of 4 because every
        // attribute is padded; over UDP the datagram must be exactly header + length.
        var length = BinaryPrimitives.ReadUInt16BigEndian(datagram[2..]);
        if ((length & 3) != 0 || datagram.Length != HeaderLength + length)
        {
            return false;
        }

        var attributes = new List<(ushort, int, int)>();
        var integrity = -1;
        var fingerprint = -1;
        var offset = HeaderLength;
        while (offset < datagram.Length)
        {
            if (fingerprint >= 0)
            {
                return false; // §14.7: FINGERPRINT must be the last attribute.
            }

            if (datagram.Length - offset < 4)
            {
                return false;
            }

            var type = BinaryPrimitives.ReadUInt16BigEndian(datagram[offset..]);
            var valueLength = BinaryPrimitives.ReadUInt16BigEndian(datagram[(offset + 2)..]);
            var padded = (valueLength + 3) & ~3;
            if (datagram.Length - offset - 4 < padded)
            {
                return false;
            }

            if (type == StunAttributeType.Fingerprint)
            {
                if (valueLength != 4)
                {
                    return false;
                }

                fingerprint = offset;
            }
            else if (integrity >= 0)
            {
                // §14.5: attributes after MESSAGE-INTEGRITY (other than FINGERPRINT) are ignored.
            }
            else if (type == StunAttributeType.MessageIntegrity)
            {
                if (valueLength != MessageIntegrityLength)
                {
                    return false;
                }

                integrity = offset;
            }
            else
            {
                attributes.Add((type, offset + 4, valueLength));
            }

            offset += 4 + padded;
        }

        message = new StunMessage(datagram.ToArray(), attributes, integrity, fingerprint);
        return true;
    }

    public bool HasAttribute(ushort type) => IndexOf(type) >= 0;

    public bool TryGetAttribute(ushort type, out ReadOnlySpan<byte> value)
    {
        var i = IndexOf(type);
        if (i < 0)
        {
            value = default;
            return false;
        }

        var (_, offset, length) = _attributes[i];
        value = _raw.AsSpan(offset, length);
        return true;
    }

    /// Comprehension-required attributes (type below 0x8000) this implementation does not know;
    /// a request carrying any earns a 420 listing them (RFC 8489 §6.3.1.1).
    public IReadOnlyList<ushort> UnknownComprehensionRequired() =>
        _attributes.Where(a => !StunAttributeType.IsKnown(a.Type)).Select(a => a.Type).Distinct().ToList();

    public bool TryGetString(ushort type, [NotNullWhen(true)] out string? value)
    {
        value = null;
        if (!TryGetAttribute(type, out var bytes))
        {
            return false;
        }

        // RFC 8489 §14.3/§14.9/§14.10: UTF-8, at most 763 bytes (USERNAME < 513).
        if (bytes.Length > 763)
        {
            return false;
        }

        try
        {
            value = new UTF8Encoding(false, true).GetString(bytes);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    public bool TryGetUInt32(ushort type, out uint value)
    {
        value = 0;
        if (!TryGetAttribute(type, out var bytes) || bytes.Length != 4)
        {
            return false;
        }

        value = BinaryPrimitives.ReadUInt32BigEndian(bytes);
        return true;
    }

    public bool TryGetUInt64(ushort type, out ulong value)
    {
        value = 0;
        if (!TryGetAttribute(type, out var bytes) || bytes.Length != 8)
        {
            return false;
        }

        value = BinaryPrimitives.ReadUInt64BigEndian(bytes);
        return true;
    }

    public bool TryGetXorAddress(ushort type, [NotNullWhen(true)] out IPEndPoint? endPoint)
    {
        endPoint = null;
        if (!TryGetAttribute(type, out var value) || !StunAddress.TryReadXor(value, _raw.AsSpan(4, 16), out var ep))
        {
            return false;
        }

        endPoint = ep;
        return true;
    }

    /// RFC 8489 §14.8: class (3..6) in the low 3 bits of byte 2, number (0..99) in byte 3.
    public bool TryGetErrorCode(out int code, out string reason)
    {
        code = 0;
        reason = string.Empty;
        if (!TryGetAttribute(StunAttributeType.ErrorCode, out var value) || value.Length < 4)
        {
            return false;
        }

        var cls = value[2] & 0x07;
        var number = value[3];
        if (cls is < 3 or > 6 || number > 99)
        {
            return false;
        }

        code = (cls * 100) + number;
        try
        {
            reason = new UTF8Encoding(false, true).GetString(value[4..]);
        }
        catch (DecoderFallbackException)
        {
            reason = string.Empty;
        }

        return true;
    }

    /// RFC 8489 §14.5: HMAC-SHA1 over the message up to MESSAGE-INTEGRITY, with the header length
    /// field set as if MESSAGE-INTEGRITY were the last attribute.
    public bool VerifyMessageIntegrity(ReadOnlySpan<byte> key)
    {
        if (_integrityOffset < 0)
        {
            return false;
        }

        Span<byte> mac = stackalloc byte[MessageIntegrityLength];
        ComputeMessageIntegrity(_raw.AsSpan(0, _integrityOffset), key, mac);
        return CryptographicOperations.FixedTimeEquals(mac, _raw.AsSpan(_integrityOffset + 4, MessageIntegrityLength));
    }

    /// RFC 8489 §14.7: CRC-32 of the message up to FINGERPRINT XOR 0x5354554E (the length field
    /// already covers FINGERPRINT, which is last).
    public bool VerifyFingerprint()
    {
        if (_fingerprintOffset < 0)
        {
            return false;
        }

        var expected = System.IO.Hashing.Crc32.HashToUInt32(_raw.AsSpan(0, _fingerprintOffset)) ^ FingerprintXor;
        return BinaryPrimitives.ReadUInt32BigEndian(_raw.AsSpan(_fingerprintOffset + 4)) == expected;
    }

    /// Computes the MESSAGE-INTEGRITY value for <paramref name="prefix"/> (the message bytes
    /// before the attribute) as if an attribute of 24 bytes followed it.
    [SuppressMessage("Security", "CA5350:Do Not Use Weak Cryptographic Algorithms", Justification = "RFC 8489 §14.5 mandates HMAC-SHA1.")]
    internal static void ComputeMessageIntegrity(ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> key, Span<byte> destination)
    {
        var rented = prefix.Length > 1024 ? ArrayPool<byte>.Shared.Rent(prefix.Length) : null;
        try
        {
            Span<byte> copy = rented ?? stackalloc byte[prefix.Length];
            copy = copy[..prefix.Length];
            prefix.CopyTo(copy);
            BinaryPrimitives.WriteUInt16BigEndian(copy[2..], (ushort)(prefix.Length - HeaderLength + 4 + MessageIntegrityLength));
            HMACSHA1.HashData(key, copy, destination);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private int IndexOf(ushort type)
    {
        for (var i = 0; i < _attributes.Count; i++)
        {
            if (_attributes[i].Type == type)
            {
                return i;
            }
        }

        return -1;
    }

    public override string ToString() => $"{Method} {Class} {TransactionId}";
}
