using System.Buffers.Binary;
using System.IO.Hashing;

namespace Vigil.Server.Features.Signaling.Stun;

/// <summary>
/// A STUN Binding request (RFC 8489), read from an untrusted datagram: bounds are checked before every
/// read and anything unexpected is <see cref="StunParseResult.Ignore"/>, never an exception.
/// </summary>
/// <remarks>
/// RFC 8489 §5 header:
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
/// </remarks>
internal readonly struct StunBindingRequest
{
    public const int HeaderLength = 20;
    public const uint MagicCookie = 0x2112A442;
    public const ushort BindingRequestType = 0x0001;

    /// <summary>RFC 8489 §14.7: XOR of the CRC-32 in FINGERPRINT.</summary>
    public const uint FingerprintXor = 0x5354554E;

    public const ushort AttrMappedAddress = 0x0001;
    public const ushort AttrChangeRequest = 0x0003;
    public const ushort AttrUsername = 0x0006;
    public const ushort AttrMessageIntegrity = 0x0008;
    public const ushort AttrErrorCode = 0x0009;
    public const ushort AttrUnknownAttributes = 0x000A;
    public const ushort AttrRealm = 0x0014;
    public const ushort AttrNonce = 0x0015;
    public const ushort AttrMessageIntegritySha256 = 0x001C;
    public const ushort AttrPasswordAlgorithm = 0x001D;
    public const ushort AttrUserHash = 0x001E;
    public const ushort AttrXorMappedAddress = 0x0020;
    public const ushort AttrPriority = 0x0024;
    public const ushort AttrUseCandidate = 0x0025;
    public const ushort AttrSoftware = 0x8022;
    public const ushort AttrFingerprint = 0x8028;

    public const int MaxUnknownAttributes = 8;

    private StunBindingRequest(byte[] transactionId, bool classic, ushort[] unknown)
    {
        TransactionId = transactionId;
        IsClassic = classic;
        UnknownAttributes = unknown;
    }

    /// <summary>12 bytes (RFC 8489), or 16 for a classic RFC 3489 request (no magic cookie: the cookie's place belongs to the id).</summary>
    public byte[] TransactionId { get; }

    /// <summary>An RFC 3489 client: answered with MAPPED-ADDRESS, as it does not know XOR-MAPPED-ADDRESS (RFC 8489 §12).</summary>
    public bool IsClassic { get; }

    public IReadOnlyList<ushort> UnknownAttributes { get; }

    public static StunParseResult TryParse(ReadOnlySpan<byte> packet, out StunBindingRequest request)
    {
        request = default;
        if (packet.Length < HeaderLength || (packet[0] & 0xC0) != 0)
        {
            return StunParseResult.Ignore;
        }

        var type = BinaryPrimitives.ReadUInt16BigEndian(packet);
        var length = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);
        if (type != BindingRequestType || length % 4 != 0 || HeaderLength + length != packet.Length)
        {
            return StunParseResult.Ignore;
        }

        var classic = BinaryPrimitives.ReadUInt32BigEndian(packet[4..]) != MagicCookie;
        var unknown = new List<ushort>();
        var body = packet[HeaderLength..];
        var offset = 0;
        while (offset < body.Length)
        {
            if (body.Length - offset < 4)
            {
                return StunParseResult.Ignore;
            }

            var attribute = BinaryPrimitives.ReadUInt16BigEndian(body[offset..]);
            var valueLength = BinaryPrimitives.ReadUInt16BigEndian(body[(offset + 2)..]);
            var padded = (valueLength + 3) & ~3;
            if (body.Length - offset - 4 < padded)
            {
                return StunParseResult.Ignore;
            }

            var value = body.Slice(offset + 4, valueLength);
            if (attribute == AttrFingerprint)
            {
                // §14.7: the last attribute; CRC-32 of everything before it (with the length field as sent) XOR 0x5354554E.
                if (classic || valueLength != 4 || offset + 4 + padded != body.Length
                    || BinaryPrimitives.ReadUInt32BigEndian(value) != (Crc32.HashToUInt32(packet[..(HeaderLength + offset)]) ^ FingerprintXor))
                {
                    return StunParseResult.Ignore;
                }
            }
            else if (attribute == AttrChangeRequest)
            {
                // RFC 5780 §7.2: this server has one address and port, so it can only honour "change nothing".
                if (valueLength != 4 || BinaryPrimitives.ReadUInt32BigEndian(value) != 0)
                {
                    Add(unknown, attribute);
                }
            }
            else if (attribute < 0x8000 && !IsKnown(attribute))
            {
                // §15: comprehension-required attributes the server does not understand get a 420.
                Add(unknown, attribute);
            }

            offset += 4 + padded;
        }

        request = new StunBindingRequest(packet.Slice(classic ? 4 : 8, classic ? 16 : 12).ToArray(), classic, [.. unknown]);
        return unknown.Count > 0 ? StunParseResult.UnknownAttributes : StunParseResult.BindingRequest;
    }

    private static void Add(List<ushort> unknown, ushort attribute)
    {
        if (unknown.Count < MaxUnknownAttributes && !unknown.Contains(attribute))
        {
            unknown.Add(attribute);
        }
    }

    // Attributes a Binding request may carry that need no action from a credential-less STUN server:
    // authentication attributes (this server does not authenticate Binding), ICE's PRIORITY and USE-CANDIDATE.
    private static bool IsKnown(ushort attribute) => attribute is AttrMappedAddress or AttrUsername or AttrMessageIntegrity
        or AttrErrorCode or AttrUnknownAttributes or AttrRealm or AttrNonce or AttrMessageIntegritySha256
        or AttrPasswordAlgorithm or AttrUserHash or AttrXorMappedAddress or AttrPriority or AttrUseCandidate;
}
