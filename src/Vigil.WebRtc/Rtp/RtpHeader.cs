using System.Buffers.Binary;

namespace Vigil.WebRtc.Rtp;

/// The RTP fixed header (RFC 3550 §5.1):
/// <code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |V=2|P|X|  CC   |M|     PT      |       sequence number         |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                           timestamp                           |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |           synchronization source (SSRC) identifier            |
/// +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
/// |            contributing source (CSRC) identifiers             |
/// </code>
/// followed, when X is set, by a header extension (§5.3.1: 16-bit profile, 16-bit length in words).
internal readonly record struct RtpHeader(
    bool Padding,
    bool Extension,
    int CsrcCount,
    bool Marker,
    byte PayloadType,
    ushort SequenceNumber,
    uint Timestamp,
    uint Ssrc,
    int Length)
{
    public const int FixedLength = 12;

    public static bool TryRead(ReadOnlySpan<byte> packet, out RtpHeader header)
    {
        header = default;
        if (packet.Length < FixedLength || packet[0] >> 6 != 2)
        {
            return false;
        }

        var csrcCount = packet[0] & 0x0F;
        var extension = (packet[0] & 0x10) != 0;
        var length = FixedLength + (4 * csrcCount);
        if (packet.Length < length)
        {
            return false;
        }

        if (extension)
        {
            if (packet.Length < length + 4)
            {
                return false;
            }

            length += 4 + (4 * BinaryPrimitives.ReadUInt16BigEndian(packet[(length + 2)..]));
            if (packet.Length < length)
            {
                return false;
            }
        }

        header = new RtpHeader(
            (packet[0] & 0x20) != 0,
            extension,
            csrcCount,
            (packet[1] & 0x80) != 0,
            (byte)(packet[1] & 0x7F),
            BinaryPrimitives.ReadUInt16BigEndian(packet[2..]),
            BinaryPrimitives.ReadUInt32BigEndian(packet[4..]),
            BinaryPrimitives.ReadUInt32BigEndian(packet[8..]),
            length);
        return true;
    }

    /// Writes a 12-byte header without CSRCs or extension.
    public static void Write(Span<byte> destination, bool marker, byte payloadType, ushort sequenceNumber, uint timestamp, uint ssrc)
    {
        destination[0] = 0x80;
        destination[1] = (byte)((marker ? 0x80 : 0) | (payloadType & 0x7F));
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], sequenceNumber);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], timestamp);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], ssrc);
    }
}
