using System.Buffers.Binary;
using System.IO.Hashing;
using System.Net;
using System.Net.Sockets;

namespace Vigil.Server.Features.Signaling.Stun;

/// <summary>Writes Binding success and 420 error responses into a caller's buffer (RFC 8489 §6.3.1, §14).</summary>
internal static class StunResponseWriter
{
    public const ushort BindingSuccess = 0x0101;
    public const ushort BindingError = 0x0111;

    /// <summary>Enough for the largest response this server writes.</summary>
    public const int MaxLength = 128;

    private static readonly byte[] Software = "Vigil"u8.ToArray();

    /// <summary>The success response: XOR-MAPPED-ADDRESS (MAPPED-ADDRESS for RFC 3489 clients), SOFTWARE, FINGERPRINT.</summary>
    public static int WriteSuccess(in StunBindingRequest request, IPEndPoint source, Span<byte> buffer)
    {
        var at = WriteHeader(request, BindingSuccess, buffer);
        at += request.IsClassic
            ? WriteAddress(StunBindingRequest.AttrMappedAddress, source, null, buffer[at..])
            : WriteAddress(StunBindingRequest.AttrXorMappedAddress, source, request.TransactionId, buffer[at..]);
        at += WriteAttribute(StunBindingRequest.AttrSoftware, Software, buffer[at..]);
        return Finish(request, buffer, at);
    }

    /// <summary>420 Unknown Attribute with UNKNOWN-ATTRIBUTES (§14.8, §14.13).</summary>
    public static int WriteUnknownAttributes(in StunBindingRequest request, Span<byte> buffer)
    {
        var at = WriteHeader(request, BindingError, buffer);
        Span<byte> error = stackalloc byte[4 + 32];
        error[0] = 0;
        error[1] = 0;
        error[2] = 4;      // class 4
        error[3] = 20;     // number 20
        var reason = "Unknown Attribute"u8;
        reason.CopyTo(error[4..]);
        at += WriteAttribute(StunBindingRequest.AttrErrorCode, error[..(4 + reason.Length)], buffer[at..]);
        Span<byte> list = stackalloc byte[2 * StunBindingRequest.MaxUnknownAttributes];
        for (var i = 0; i < request.UnknownAttributes.Count; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(list[(2 * i)..], request.UnknownAttributes[i]);
        }

        at += WriteAttribute(StunBindingRequest.AttrUnknownAttributes, list[..(2 * request.UnknownAttributes.Count)], buffer[at..]);
        return Finish(request, buffer, at);
    }

    private static int WriteHeader(in StunBindingRequest request, ushort type, Span<byte> buffer)
    {
        BinaryPrimitives.WriteUInt16BigEndian(buffer, type);
        BinaryPrimitives.WriteUInt16BigEndian(buffer[2..], 0);
        if (request.IsClassic)
        {
            request.TransactionId.CopyTo(buffer[4..]);
        }
        else
        {
            BinaryPrimitives.WriteUInt32BigEndian(buffer[4..], StunBindingRequest.MagicCookie);
            request.TransactionId.CopyTo(buffer[8..]);
        }

        return StunBindingRequest.HeaderLength;
    }

    /// <summary>Sets the length, then appends FINGERPRINT (RFC 8489 responses only), whose CRC covers the length including itself.</summary>
    private static int Finish(in StunBindingRequest request, Span<byte> buffer, int at)
    {
        if (request.IsClassic)
        {
            BinaryPrimitives.WriteUInt16BigEndian(buffer[2..], (ushort)(at - StunBindingRequest.HeaderLength));
            return at;
        }

        BinaryPrimitives.WriteUInt16BigEndian(buffer[2..], (ushort)(at + 8 - StunBindingRequest.HeaderLength));
        Span<byte> crc = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32.HashToUInt32(buffer[..at]) ^ StunBindingRequest.FingerprintXor);
        return at + WriteAttribute(StunBindingRequest.AttrFingerprint, crc, buffer[at..]);
    }

    /// <summary>
    /// (XOR-)MAPPED-ADDRESS, §14.1/§14.2: family, port and address; the XOR form masks the port with the
    /// cookie's top 16 bits and the address with the cookie (IPv4) or cookie + transaction id (IPv6).
    /// </summary>
    private static int WriteAddress(ushort attribute, IPEndPoint source, byte[]? transactionId, Span<byte> buffer)
    {
        var address = source.Address.IsIPv4MappedToIPv6 ? source.Address.MapToIPv4() : source.Address;
        var v4 = address.AddressFamily == AddressFamily.InterNetwork;
        Span<byte> value = stackalloc byte[v4 ? 8 : 20];
        value[0] = 0;
        value[1] = v4 ? (byte)0x01 : (byte)0x02;
        var port = (ushort)source.Port;
        address.TryWriteBytes(value[4..], out _);
        if (transactionId is not null)
        {
            port ^= (ushort)(StunBindingRequest.MagicCookie >> 16);
            Span<byte> mask = stackalloc byte[16];
            BinaryPrimitives.WriteUInt32BigEndian(mask, StunBindingRequest.MagicCookie);
            transactionId.CopyTo(mask[4..]);
            for (var i = 0; i < value.Length - 4; i++)
            {
                value[4 + i] ^= mask[i];
            }
        }

        BinaryPrimitives.WriteUInt16BigEndian(value[2..], port);
        return WriteAttribute(attribute, value, buffer);
    }

    private static int WriteAttribute(ushort type, ReadOnlySpan<byte> value, Span<byte> buffer)
    {
        BinaryPrimitives.WriteUInt16BigEndian(buffer, type);
        BinaryPrimitives.WriteUInt16BigEndian(buffer[2..], (ushort)value.Length);
        value.CopyTo(buffer[4..]);
        var padded = (value.Length + 3) & ~3;
        buffer.Slice(4 + value.Length, padded - value.Length).Clear();
        return 4 + padded;
    }
}
