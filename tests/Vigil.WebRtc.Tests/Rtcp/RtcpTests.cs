using Vigil.WebRtc.Rtcp;
using static Vigil.WebRtc.Tests.TestVectors;

namespace Vigil.WebRtc.Tests.Rtcp;

public sealed class RtcpTests
{
    [Fact]
    public void Ntp_time_counts_seconds_since_1900_with_a_binary_fraction()
    {
        // 2025-01-01T00:00:00.5Z = Unix 1735689600.5; + 2208988800 s between 1900 and 1970 (RFC 868).
        var ntp = NtpTime.FromUnixTime(new DateTimeOffset(2025, 1, 1, 0, 0, 0, 500, TimeSpan.Zero));
        Assert.Equal(0xeb1f_0400_8000_0000UL, ntp);
        Assert.Equal(0x0400_8000u, NtpTime.Middle32(ntp));
    }

    [Fact]
    public void Sender_report_layout_follows_rfc3550_6_4_1()
    {
        var buffer = new byte[28];
        var length = RtcpWriter.WriteSenderReport(buffer, 0x11223344, 0xeb1f5e8080000000, 0xAABBCCDD, 5, 1000);

        Assert.Equal(28, length);
        Assert.Equal("80c80006" + "11223344" + "eb1f5e8080000000" + "aabbccdd" + "00000005" + "000003e8", ToHex(buffer));
    }

    [Theory]
    [InlineData("cam0", "81ca0003" + "11223344" + "0104" + "63616d30" + "0000")]
    [InlineData("cam01", "81ca0003" + "11223344" + "0105" + "63616d3031" + "00")]
    [InlineData("cam012", "81ca0004" + "11223344" + "0106" + "63616d303132" + "00000000")]
    public void Sdes_cname_is_null_terminated_and_padded_to_32_bits(string cname, string expected)
    {
        var buffer = new byte[64];
        var length = RtcpWriter.WriteSourceDescription(buffer, 0x11223344, cname);
        Assert.Equal(expected, ToHex(buffer.AsSpan(0, length)));
    }

    [Fact]
    public void Compound_sr_sdes_bye_parses_and_reduced_size_pli_alone_parses()
    {
        var buffer = new byte[200];
        var length = RtcpWriter.WriteSenderReport(buffer, 1, 2, 3, 4, 5);
        length += RtcpWriter.WriteSourceDescription(buffer.AsSpan(length), 1, "x");
        length += RtcpWriter.WriteGoodbye(buffer.AsSpan(length), 1);
        var parsed = new List<RtcpFeedback>();
        Assert.True(RtcpReader.TryParse(buffer.AsSpan(0, length), parsed));
        Assert.IsType<RtcpReceiverReport>(Assert.Single(parsed));

        parsed.Clear();
        var pli = new byte[12];
        RtcpWriter.WritePli(pli, 1, 0xCAFE);
        Assert.True(RtcpReader.TryParse(pli, parsed));
        Assert.Equal(new RtcpPli(1, 0xCAFE), Assert.Single(parsed));
    }

    [Fact]
    public void Receiver_report_block_round_trips_with_negative_cumulative_loss()
    {
        var block = new RtcpReportBlock(0xABCD, 25, -3, 70000, 12, 0x12345678, 0x00010000);
        var buffer = new byte[32];
        RtcpWriter.WriteReceiverReport(buffer, 1, block);

        var parsed = new List<RtcpFeedback>();
        Assert.True(RtcpReader.TryParse(buffer, parsed));
        Assert.Equal(block, Assert.Single(Assert.IsType<RtcpReceiverReport>(Assert.Single(parsed)).Blocks));
    }

    [Fact]
    public void Round_trip_time_is_arrival_minus_lsr_minus_dlsr()
    {
        // LSR 1.0 s, DLSR 0.25 s, arrival 1.5 s (16.16 fixed point) → RTT 0.25 s.
        Assert.Equal(TimeSpan.FromSeconds(0.25), NtpTime.RoundTrip(0x00018000, 0x00010000, 0x00004000));
        Assert.Null(NtpTime.RoundTrip(0x00018000, 0, 0));
    }

    [Theory]
    [InlineData(new ushort[] { 10 }, "000a0000")]
    [InlineData(new ushort[] { 10, 11, 26 }, "000a8001")]
    [InlineData(new ushort[] { 26, 11, 10 }, "000a8001")]
    [InlineData(new ushort[] { 10, 27 }, "000a0000001b0000")]
    [InlineData(new ushort[] { 65534, 65535, 0, 1 }, "fffe0007")]
    [InlineData(new ushort[] { 1, 0, 65535, 65534 }, "fffe0007")]
    public void Nack_pid_and_blp_follow_rfc4585_including_descending_and_wrapping_input(ushort[] lost, string expectedFci)
    {
        var buffer = new byte[64];
        var length = RtcpWriter.WriteNack(buffer, 1, 2, lost);

        Assert.Equal(expectedFci, ToHex(buffer.AsSpan(12, length - 12)));
        var parsed = new List<RtcpFeedback>();
        Assert.True(RtcpReader.TryParse(buffer.AsSpan(0, length), parsed));
        var nack = Assert.IsType<RtcpNack>(Assert.Single(parsed));
        Assert.Equal(lost.Order(), nack.Lost.Order());
    }

    [Fact]
    public void Fir_entries_carry_the_command_sequence_number()
    {
        var buffer = new byte[20];
        RtcpWriter.WriteFir(buffer, 1, 0xCAFE, 7);
        var parsed = new List<RtcpFeedback>();
        Assert.True(RtcpReader.TryParse(buffer, parsed));
        Assert.Equal((0xCAFEu, (byte)7), Assert.Single(Assert.IsType<RtcpFir>(Assert.Single(parsed)).Entries));
    }

    [Fact]
    public void Remb_bitrate_is_mantissa_shifted_by_exponent()
    {
        // 1 000 000 bit/s = 250 000 << 2 (mantissa 18 bits, exponent 6 bits).
        var packet = FromHex("8fce0005" + "00000001" + "00000000" + "52454d42" + "01" + "0b" + "d090" + "0000cafe");
        var parsed = new List<RtcpFeedback>();
        Assert.True(RtcpReader.TryParse(packet, parsed));
        var remb = Assert.IsType<RtcpRemb>(Assert.Single(parsed));
        Assert.Equal(1_000_000UL, remb.BitsPerSecond);
        Assert.Equal([0xCAFEu], remb.Ssrcs);
    }

    [Fact]
    public void Truncated_oversized_and_random_input_is_rejected_without_exceptions()
    {
        var buffer = new byte[200];
        var length = RtcpWriter.WriteReceiverReport(buffer, 1, new RtcpReportBlock(2, 0, 0, 0, 0, 0, 0));
        var boundaries = new HashSet<int> { length };
        length += RtcpWriter.WriteNack(buffer.AsSpan(length), 1, 2, [5, 6, 40]);
        boundaries.Add(length);
        length += RtcpWriter.WritePli(buffer.AsSpan(length), 1, 2);
        var parsed = new List<RtcpFeedback>();
        Assert.True(RtcpReader.TryParse(buffer.AsSpan(0, length), parsed));
        Assert.Equal(3, parsed.Count);

        for (var n = 0; n < length; n++)
        {
            if (boundaries.Contains(n))
            {
                continue; // prefixes ending on a packet boundary are valid compounds
            }

            parsed.Clear();
            Assert.False(RtcpReader.TryParse(buffer.AsSpan(0, n), parsed), $"prefix {n}");
            Assert.Empty(parsed);
        }

        parsed.Clear();
        Assert.False(RtcpReader.TryParse(buffer.AsSpan(0, length + 4), parsed)); // trailing zero word is not V=2

        var random = new FuzzRandom(3550);
        for (var i = 0; i < 20000; i++)
        {
            var input = random.Bytes(random.Next(0, 120));
            if (input.Length > 4 && i % 2 == 0)
            {
                input[0] = (byte)(0x80 | (input[0] & 0x3F));
                input[1] = (byte)random.Next(200, 208);
                input[2] = 0;
                input[3] = (byte)((input.Length / 4) - 1);
            }

            parsed.Clear();
            _ = RtcpReader.TryParse(input, parsed);
        }
    }
}
