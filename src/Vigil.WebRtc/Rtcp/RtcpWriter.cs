using System.Buffers.Binary;
using System.Text;

namespace Vigil.WebRtc.Rtcp;

/// Writes the RTCP packets the sender emits (SR, SDES CNAME, BYE) and, for tests and the
/// loopback harness, the feedback a receiver emits (RR, NACK, PLI, FIR). Each method returns the
/// number of bytes written; packets are padded to 32-bit boundaries as RFC 3550 §6.4 requires.
internal static class RtcpWriter
{
    /// RFC 3550 §6.4.1: SR with no report blocks (we receive no media).
    public static int WriteSenderReport(Span<byte> destination, uint ssrc, ulong ntp, uint rtpTimestamp, uint packetCount, uint octetCount)
    {
        Header(destination, 0, RtcpPacketType.SenderReport, 28);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], ssrc);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], ntp);
        BinaryPrimitives.WriteUInt32BigEndian(destination[16..], rtpTimestamp);
        BinaryPrimitives.WriteUInt32BigEndian(destination[20..], packetCount);
        BinaryPrimitives.WriteUInt32BigEndian(destination[24..], octetCount);
        return 28;
    }

    /// RFC 3550 §6.5: one chunk with a CNAME item, terminated by at least one zero byte and padded
    /// to a 32-bit boundary.
    public static int WriteSourceDescription(Span<byte> destination, uint ssrc, string cname)
    {
        var nameLength = Math.Min(Encoding.UTF8.GetByteCount(cname), 255);
        var chunk = 4 + 2 + nameLength;
        var padded = (chunk + 1 + 3) & ~3; // at least one null octet terminates the item list
        var length = 4 + padded;
        destination[..length].Clear();
        Header(destination, 1, RtcpPacketType.SourceDescription, length);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], ssrc);
        destination[8] = 1; // CNAME
        destination[9] = (byte)nameLength;
        var nameBytes = Encoding.UTF8.GetBytes(cname);
        nameBytes.AsSpan(0, nameLength).CopyTo(destination[10..]);
        return length;
    }

    /// RFC 3550 §6.6.
    public static int WriteGoodbye(Span<byte> destination, uint ssrc)
    {
        Header(destination, 1, RtcpPacketType.Goodbye, 8);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], ssrc);
        return 8;
    }

    /// RFC 3550 §6.4.2 with one report block.
    public static int WriteReceiverReport(Span<byte> destination, uint senderSsrc, RtcpReportBlock block)
    {
        Header(destination, 1, RtcpPacketType.ReceiverReport, 32);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], senderSsrc);
        var b = destination[8..];
        BinaryPrimitives.WriteUInt32BigEndian(b, block.Ssrc);
        b[4] = block.FractionLost;
        var lost = block.CumulativeLost & 0xFFFFFF;
        b[5] = (byte)(lost >> 16);
        b[6] = (byte)(lost >> 8);
        b[7] = (byte)lost;
        BinaryPrimitives.WriteUInt32BigEndian(b[8..], block.HighestSequence);
        BinaryPrimitives.WriteUInt32BigEndian(b[12..], block.Jitter);
        BinaryPrimitives.WriteUInt32BigEndian(b[16..], block.LastSenderReport);
        BinaryPrimitives.WriteUInt32BigEndian(b[20..], block.DelaySinceLastSenderReport);
        return 32;
    }

    /// RFC 4585 §6.2.1. Sequence numbers may come in any order and may wrap; they are sorted in
    /// serial-number order (RFC 1982) relative to the oldest, so a window across 65535→0 and
    /// descending input both produce the right PID/BLP pairs (werift cf825123 got this wrong).
    public static int WriteNack(Span<byte> destination, uint senderSsrc, uint mediaSsrc, IEnumerable<ushort> lost)
    {
        var distinct = lost.Distinct().ToList();
        if (distinct.Count == 0)
        {
            throw new ArgumentException("Nothing to NACK.", nameof(lost));
        }

        var reference = distinct.Aggregate((a, b) => (short)(b - a) < 0 ? b : a);
        distinct.Sort((a, b) => ((ushort)(a - reference)).CompareTo((ushort)(b - reference)));
        var offset = 12;
        var i = 0;
        while (i < distinct.Count)
        {
            var pid = distinct[i++];
            ushort blp = 0;
            while (i < distinct.Count)
            {
                var distance = (ushort)(distinct[i] - pid);
                if (distance is < 1 or > 16)
                {
                    break;
                }

                blp |= (ushort)(1 << (distance - 1));
                i++;
            }

            BinaryPrimitives.WriteUInt16BigEndian(destination[offset..], pid);
            BinaryPrimitives.WriteUInt16BigEndian(destination[(offset + 2)..], blp);
            offset += 4;
        }

        Header(destination, RtcpPacketType.GenericNack, RtcpPacketType.TransportFeedback, offset);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], senderSsrc);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], mediaSsrc);
        return offset;
    }

    /// RFC 4585 §6.3.1.
    public static int WritePli(Span<byte> destination, uint senderSsrc, uint mediaSsrc)
    {
        Header(destination, RtcpPacketType.PictureLossIndication, RtcpPacketType.PayloadFeedback, 12);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], senderSsrc);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], mediaSsrc);
        return 12;
    }

    /// RFC 5104 §4.3.1 (media source SSRC field is 0).
    public static int WriteFir(Span<byte> destination, uint senderSsrc, uint mediaSsrc, byte sequence)
    {
        Header(destination, RtcpPacketType.FullIntraRequest, RtcpPacketType.PayloadFeedback, 20);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], senderSsrc);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], 0);
        BinaryPrimitives.WriteUInt32BigEndian(destination[12..], mediaSsrc);
        destination[16] = sequence;
        destination[17] = 0;
        destination[18] = 0;
        destination[19] = 0;
        return 20;
    }

    private static void Header(Span<byte> destination, int countOrFormat, byte packetType, int length)
    {
        destination[0] = (byte)(0x80 | (countOrFormat & 0x1F));
        destination[1] = packetType;
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)((length / 4) - 1));
    }
}
