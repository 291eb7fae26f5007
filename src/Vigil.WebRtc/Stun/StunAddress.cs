using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Vigil.WebRtc.Stun;

/// Encoding of (XOR-)MAPPED-ADDRESS style attribute values.
/// RFC 8489 §14.1/§14.2:
/// <code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |0 0 0 0 0 0 0 0|    Family     |         X-Port                |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                X-Address (Variable)                           |
/// </code>
/// X-Port is the port XOR the top 16 bits of the magic cookie; an IPv4 X-Address is XORed with
/// the cookie, an IPv6 one with the cookie followed by the transaction id.
internal static class StunAddress
{
    public const byte FamilyIPv4 = 0x01;
    public const byte FamilyIPv6 = 0x02;

    public static int EncodedLength(IPEndPoint endPoint) =>
        Normalize(endPoint.Address).AddressFamily == AddressFamily.InterNetwork ? 8 : 20;

    /// .NET dual-mode sockets report IPv4 peers as ::ffff:a.b.c.d; STUN and ICE compare and
    /// encode them as plain IPv4 (family 0x01).
    public static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    public static IPEndPoint Normalize(IPEndPoint endPoint) =>
        endPoint.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(endPoint.Address.MapToIPv4(), endPoint.Port) : endPoint;

    /// cookieAndTransactionId: bytes 4..19 of the STUN header.
    public static void WriteXor(Span<byte> destination, IPEndPoint endPoint, ReadOnlySpan<byte> cookieAndTransactionId)
    {
        var address = Normalize(endPoint.Address);
        var v4 = address.AddressFamily == AddressFamily.InterNetwork;
        destination[0] = 0;
        destination[1] = v4 ? FamilyIPv4 : FamilyIPv6;
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)(endPoint.Port ^ (StunMessage.MagicCookie >> 16)));
        var addressBytes = destination.Slice(4, v4 ? 4 : 16);
        address.TryWriteBytes(addressBytes, out _);
        for (var i = 0; i < addressBytes.Length; i++)
        {
            addressBytes[i] ^= cookieAndTransactionId[i];
        }
    }

    public static bool TryReadXor(ReadOnlySpan<byte> value, ReadOnlySpan<byte> cookieAndTransactionId, out IPEndPoint endPoint)
    {
        endPoint = null!;
        if (value.Length < 4)
        {
            return false;
        }

        var family = value[1];
        var length = family switch
        {
            FamilyIPv4 => 4,
            FamilyIPv6 => 16,
            _ => 0,
        };
        if (length == 0 || value.Length != 4 + length)
        {
            return false;
        }

        var port = BinaryPrimitives.ReadUInt16BigEndian(value[2..]) ^ (int)(StunMessage.MagicCookie >> 16);
        Span<byte> address = stackalloc byte[16];
        address = address[..length];
        for (var i = 0; i < length; i++)
        {
            address[i] = (byte)(value[4 + i] ^ cookieAndTransactionId[i]);
        }

        endPoint = new IPEndPoint(new IPAddress(address), port);
        return true;
    }

    /// RFC 8489 §14.1 MAPPED-ADDRESS (not XORed); only old servers send it alone.
    public static bool TryReadPlain(ReadOnlySpan<byte> value, out IPEndPoint endPoint)
    {
        endPoint = null!;
        if (value.Length < 4)
        {
            return false;
        }

        var length = value[1] == FamilyIPv4 ? 4 : value[1] == FamilyIPv6 ? 16 : 0;
        if (length == 0 || value.Length != 4 + length)
        {
            return false;
        }

        endPoint = new IPEndPoint(new IPAddress(value.Slice(4, length)), BinaryPrimitives.ReadUInt16BigEndian(value[2..]));
        return true;
    }
}
