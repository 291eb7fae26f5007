using Vigil.WebRtc.H264;

namespace Vigil.WebRtc.Tests.H264;

public sealed class H264PacketizerTests
{
    private static readonly byte[] Sps = [0x67, 0x42, 0xC0, 0x1E, 0xD9, 0x01, 0x41, 0xFB, 0x01, 0x10];
    private static readonly byte[] Pps = [0x68, 0xCB, 0x83, 0xCB, 0x20];

    [Fact]
    public void Sps_and_pps_share_one_stap_a_with_the_expected_bytes()
    {
        var packetizer = new H264Packetizer(1188);
        packetizer.Prepare(AnnexBOf([0x09, 0xF0], Sps, Pps, Idr(100)));

        var stap = packetizer.Packets[0];
        Assert.Equal(H264PacketKind.StapA, stap.Kind);
        var payload = new byte[1200];
        var length = packetizer.Write(stap, payload);
        byte[] expected = [0x78, 0, (byte)Sps.Length, .. Sps, 0, (byte)Pps.Length, .. Pps];
        Assert.Equal(expected, payload[..length]);
        Assert.Equal(2, packetizer.Packets.Count); // AUD dropped, IDR as a single NAL unit
        Assert.True(packetizer.IsKeyframe);
    }

    [Fact]
    public void Cached_parameter_sets_are_injected_before_a_bare_idr()
    {
        var packetizer = new H264Packetizer(1188);
        packetizer.Prepare(AnnexBOf(Sps, Pps, Idr(50)));
        packetizer.Prepare(AnnexBOf([0x09, 0xF0], Idr(60)));

        Assert.Equal(H264PacketKind.StapA, packetizer.Packets[0].Kind);
        Assert.Equal(Sps, packetizer.NalUnits[0].ToArray());
        Assert.Equal(Pps, packetizer.NalUnits[1].ToArray());

        packetizer.Prepare(AnnexBOf([0x09, 0xF0], Slice(70)));
        Assert.Equal(H264PacketKind.SingleNalUnit, Assert.Single(packetizer.Packets).Kind);
    }

    [Theory]
    [InlineData(1187, 1)]
    [InlineData(1188, 1)]
    [InlineData(1189, 2)]
    [InlineData(2 * 1186 + 1, 2)]
    [InlineData(2 * 1186 + 2, 3)]
    public void Fu_a_starts_exactly_above_the_payload_limit(int nalLength, int expectedPackets)
    {
        var packetizer = new H264Packetizer(1188);
        packetizer.Prepare(AnnexBOf(Slice(nalLength)));

        Assert.Equal(expectedPackets, packetizer.Packets.Count);
        var payload = new byte[1188];
        foreach (var packet in packetizer.Packets)
        {
            Assert.InRange(packetizer.Write(packet, payload), 1, 1188);
        }
    }

    [Fact]
    public void Fu_a_preserves_nri_and_type_sets_start_end_and_marker_only_on_the_last_packet()
    {
        var nal = Idr(3000);
        nal[0] = 0x45; // F=0, NRI=2, type 5
        var packetizer = new H264Packetizer(1000);
        packetizer.Prepare(AnnexBOf(nal));

        var packets = packetizer.Packets;
        Assert.Equal(4, packets.Count);
        var payload = new byte[1000];
        for (var i = 0; i < packets.Count; i++)
        {
            packetizer.Write(packets[i], payload);
            Assert.Equal(0x40 | 28, payload[0]);
            Assert.Equal(i == 0, (payload[1] & 0x80) != 0);
            Assert.Equal(i == packets.Count - 1, (payload[1] & 0x40) != 0);
            Assert.Equal(5, payload[1] & 0x1F);
            Assert.Equal(i == packets.Count - 1, packets[i].Marker);
        }
    }

    [Fact]
    public void Round_trip_through_an_independent_depacketizer_restores_the_nal_units()
    {
        var packetizer = new H264Packetizer(500);
        byte[][] nals = [[0x09, 0xF0], Sps, Pps, [0x06, 5, 1, 0x80], Idr(1700), Idr(20), [0x0C, 0xFF, 0xFF]];
        packetizer.Prepare(AnnexBOf(nals));

        var depacketizer = new H264Depacketizer();
        var payload = new byte[500];
        foreach (var packet in packetizer.Packets)
        {
            depacketizer.Push(payload.AsSpan(0, packetizer.Write(packet, payload)));
        }

        // AUD and filler are dropped; order otherwise preserved with parameter sets first.
        Assert.Equal([Sps, Pps, [0x06, 5, 1, 0x80], Idr(1700), Idr(20)], depacketizer.NalUnits);
    }

    internal static byte[] AnnexBOf(params byte[][] nals) => nals.SelectMany(n => new byte[] { 0, 0, 0, 1 }.Concat(n)).ToArray();

    private static byte[] Idr(int length) => Nal(0x65, length);

    private static byte[] Slice(int length) => Nal(0x41, length);

    private static byte[] Nal(byte header, int length)
    {
        var nal = new byte[length];
        nal[0] = header;
        for (var i = 1; i < length; i++)
        {
            nal[i] = (byte)(i * 31 + 7 | 1); // never zero, so no start codes or trailing zeros appear
        }

        return nal;
    }
}
