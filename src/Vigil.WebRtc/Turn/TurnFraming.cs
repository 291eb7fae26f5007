using System.Buffers.Binary;
using System.Net;
using System.Security.Cryptography;
using Vigil.WebRtc.Stun;

namespace Vigil.WebRtc.Turn;

/// Wire formats for data through a TURN allocation: Send/Data indications (RFC 8656 §11) and
/// ChannelData (§12.4):
/// <code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |         Channel Number        |            Length             |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// /                       Application Data                        /
/// </code>
internal static class TurnFraming
{
    public const int ChannelDataHeaderLength = 4;

    // RFC 8656 §12: 0x4000–0x4FFF (RFC 5766 allowed up to 0x7FFF, which we accept on receive).
    public const ushort FirstChannel = 0x4000;
    public const ushort LastChannel = 0x4FFF;

    /// Worst-case Send indication overhead: header 20 + XOR-PEER-ADDRESS (IPv6) 24 + DATA header 4 + pad 3.
    public const int MaxSendIndicationOverhead = 51;

    /// RFC 7983 §7: first byte 64..79 is ChannelData.
    public static bool IsChannelData(ReadOnlySpan<byte> datagram) => datagram.Length >= 4 && datagram[0] is >= 0x40 and <= 0x7F;

    /// A datagram for <paramref name="peer"/> as the TURN server must receive it: ChannelData when
    /// a channel is bound to the peer, else a Send indication. <paramref name="destination"/> needs
    /// room for <see cref="MaxSendIndicationOverhead"/> bytes more than the data.
    public static int Write(Span<byte> destination, ushort? channel, IPEndPoint peer, ReadOnlySpan<byte> data) =>
        channel is { } bound ? WriteChannelData(destination, bound, data) : WriteSendIndication(destination, peer, data);

    public static int WriteChannelData(Span<byte> destination, ushort channel, ReadOnlySpan<byte> data)
    {
        BinaryPrimitives.WriteUInt16BigEndian(destination, channel);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)data.Length);
        data.CopyTo(destination[4..]);
        // §12.5: over UDP the padding to 4 bytes is optional; we leave it out.
        return 4 + data.Length;
    }

    /// Reads a ChannelData message, trusting the length field rather than the datagram size:
    /// anything after it is padding (turn-rs PR #175 and pjproject #999 forwarded that padding and
    /// corrupted DTLS/SRTP).
    public static bool TryReadChannelData(ReadOnlySpan<byte> datagram, out ushort channel, out int offset, out int length)
    {
        channel = 0;
        offset = ChannelDataHeaderLength;
        length = 0;
        if (!IsChannelData(datagram))
        {
            return false;
        }

        channel = BinaryPrimitives.ReadUInt16BigEndian(datagram);
        length = BinaryPrimitives.ReadUInt16BigEndian(datagram[2..]);
        return datagram.Length - ChannelDataHeaderLength >= length;
    }

    /// §11.1 Send indication: XOR-PEER-ADDRESS and DATA, no authentication.
    public static int WriteSendIndication(Span<byte> destination, IPEndPoint peer, ReadOnlySpan<byte> data)
    {
        Span<byte> id = stackalloc byte[12];
        RandomNumberGenerator.Fill(id);
        var addressLength = StunAddress.EncodedLength(peer);
        var dataPadded = (data.Length + 3) & ~3;
        var length = 20 + 4 + addressLength + 4 + dataPadded;
        BinaryPrimitives.WriteUInt16BigEndian(destination, StunMessage.EncodeType(StunMethod.Send, StunClass.Indication));
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)(length - 20));
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], StunMessage.MagicCookie);
        id.CopyTo(destination[8..]);
        var offset = 20;
        BinaryPrimitives.WriteUInt16BigEndian(destination[offset..], StunAttributeType.XorPeerAddress);
        BinaryPrimitives.WriteUInt16BigEndian(destination[(offset + 2)..], (ushort)addressLength);
        StunAddress.WriteXor(destination[(offset + 4)..], peer, destination.Slice(4, 16));
        offset += 4 + addressLength;
        BinaryPrimitives.WriteUInt16BigEndian(destination[offset..], StunAttributeType.Data);
        BinaryPrimitives.WriteUInt16BigEndian(destination[(offset + 2)..], (ushort)data.Length);
        data.CopyTo(destination[(offset + 4)..]);
        destination.Slice(offset + 4 + data.Length, dataPadded - data.Length).Clear();
        return length;
    }
}
