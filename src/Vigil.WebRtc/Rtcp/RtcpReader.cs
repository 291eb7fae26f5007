using System.Buffers.Binary;

namespace Vigil.WebRtc.Rtcp;

/// Parses compound RTCP (RFC 3550 §6.1) and reduced-size RTCP (RFC 5506: a lone PLI or NACK is
/// legal once a=rtcp-rsize is negotiated, so no SR/RR first is required). Untrusted input only
/// yields false; packet types the sender does not use (SDES, BYE, XR, transport-cc) are skipped.
/// <code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |V=2|P| RC/FMT  |      PT       |             length            |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// </code>
internal static class RtcpReader
{
    public static bool TryParse(ReadOnlySpan<byte> compound, List<RtcpFeedback> output)
    {
        var start = output.Count;
        var offset = 0;
        if (compound.Length < 4)
        {
            return false;
        }

        while (offset < compound.Length)
        {
            var remaining = compound[offset..];
            if (remaining.Length < 4 || remaining[0] >> 6 != 2)
            {
                return Fail(output, start);
            }

            var length = (BinaryPrimitives.ReadUInt16BigEndian(remaining[2..]) + 1) * 4;
            if (length > remaining.Length)
            {
                return Fail(output, start);
            }

            var packet = remaining[..length];
            if ((packet[0] & 0x20) != 0)
            {
                // §6.4.1: padding only on the last packet; the last byte counts the pad bytes.
                if (offset + length != compound.Length || packet[^1] == 0 || packet[^1] > length - 4)
                {
                    return Fail(output, start);
                }

                packet = packet[..(length - packet[^1])];
            }

            if (!TryParseOne(packet, output))
            {
                return Fail(output, start);
            }

            offset += length;
        }

        return true;
    }

    private static bool TryParseOne(ReadOnlySpan<byte> packet, List<RtcpFeedback> output)
    {
        var count = packet[0] & 0x1F;
        switch (packet[1])
        {
            case RtcpPacketType.SenderReport:
                return TryParseReport(packet, count, 28, output);
            case RtcpPacketType.ReceiverReport:
                return TryParseReport(packet, count, 8, output);
            case RtcpPacketType.TransportFeedback when count == RtcpPacketType.GenericNack:
                return TryParseNack(packet, output);
            case RtcpPacketType.PayloadFeedback when count == RtcpPacketType.PictureLossIndication:
                if (packet.Length < 12)
                {
                    return false;
                }

                output.Add(new RtcpPli(BinaryPrimitives.ReadUInt32BigEndian(packet[4..]), BinaryPrimitives.ReadUInt32BigEndian(packet[8..])));
                return true;
            case RtcpPacketType.PayloadFeedback when count == RtcpPacketType.FullIntraRequest:
                return TryParseFir(packet, output);
            case RtcpPacketType.PayloadFeedback when count == RtcpPacketType.ApplicationLayerFeedback:
                TryParseRemb(packet, output);
                return true;
            default:
                return true;
        }
    }

    private static bool TryParseReport(ReadOnlySpan<byte> packet, int count, int headerLength, List<RtcpFeedback> output)
    {
        if (packet.Length < headerLength + (24 * count))
        {
            return false;
        }

        var blocks = new List<RtcpReportBlock>(count);
        for (var i = 0; i < count; i++)
        {
            var b = packet.Slice(headerLength + (24 * i), 24);
            // Cumulative lost is a signed 24-bit number.
            var cumulative = (b[5] << 16) | (b[6] << 8) | b[7];
            if ((cumulative & 0x800000) != 0)
            {
                cumulative -= 0x1000000;
            }

            blocks.Add(new RtcpReportBlock(
                BinaryPrimitives.ReadUInt32BigEndian(b),
                b[4],
                cumulative,
                BinaryPrimitives.ReadUInt32BigEndian(b[8..]),
                BinaryPrimitives.ReadUInt32BigEndian(b[12..]),
                BinaryPrimitives.ReadUInt32BigEndian(b[16..]),
                BinaryPrimitives.ReadUInt32BigEndian(b[20..])));
        }

        output.Add(new RtcpReceiverReport(BinaryPrimitives.ReadUInt32BigEndian(packet[4..]), blocks));
        return true;
    }

    /// RFC 4585 §6.2.1: each FCI is PID(16) + BLP(16); bit i of BLP reports PID + i + 1 lost.
    private static bool TryParseNack(ReadOnlySpan<byte> packet, List<RtcpFeedback> output)
    {
        if (packet.Length < 16 || (packet.Length - 12) % 4 != 0)
        {
            return false;
        }

        var lost = new List<ushort>();
        for (var offset = 12; offset < packet.Length; offset += 4)
        {
            var pid = BinaryPrimitives.ReadUInt16BigEndian(packet[offset..]);
            var blp = BinaryPrimitives.ReadUInt16BigEndian(packet[(offset + 2)..]);
            lost.Add(pid);
            for (var bit = 0; bit < 16; bit++)
            {
                if ((blp & (1 << bit)) != 0)
                {
                    lost.Add((ushort)(pid + bit + 1));
                }
            }
        }

        output.Add(new RtcpNack(BinaryPrimitives.ReadUInt32BigEndian(packet[4..]), BinaryPrimitives.ReadUInt32BigEndian(packet[8..]), lost));
        return true;
    }

    /// RFC 5104 §4.3.1.1: FCI entries of SSRC(32), Seq nr(8), reserved(24).
    private static bool TryParseFir(ReadOnlySpan<byte> packet, List<RtcpFeedback> output)
    {
        if (packet.Length < 20 || (packet.Length - 12) % 8 != 0)
        {
            return false;
        }

        var entries = new List<(uint, byte)>();
        for (var offset = 12; offset < packet.Length; offset += 8)
        {
            entries.Add((BinaryPrimitives.ReadUInt32BigEndian(packet[offset..]), packet[offset + 4]));
        }

        output.Add(new RtcpFir(BinaryPrimitives.ReadUInt32BigEndian(packet[4..]), entries));
        return true;
    }

    /// REMB: "REMB" | num SSRC(8) | BR exp(6) | BR mantissa(18) | SSRCs. Other application-layer
    /// feedback is ignored (not an error).
    private static void TryParseRemb(ReadOnlySpan<byte> packet, List<RtcpFeedback> output)
    {
        if (packet.Length < 20 || !packet.Slice(12, 4).SequenceEqual("REMB"u8))
        {
            return;
        }

        var count = packet[16];
        if (packet.Length < 20 + (4 * count))
        {
            return;
        }

        var exponent = packet[17] >> 2;
        var mantissa = ((packet[17] & 0x03) << 16) | (packet[18] << 8) | packet[19];
        var ssrcs = new List<uint>(count);
        for (var i = 0; i < count; i++)
        {
            ssrcs.Add(BinaryPrimitives.ReadUInt32BigEndian(packet[(20 + (4 * i))..]));
        }

        output.Add(new RtcpRemb(BinaryPrimitives.ReadUInt32BigEndian(packet[4..]), (ulong)mantissa << exponent, ssrcs));
    }

    private static bool Fail(List<RtcpFeedback> output, int start)
    {
        output.RemoveRange(start, output.Count - start);
        return false;
    }
}
