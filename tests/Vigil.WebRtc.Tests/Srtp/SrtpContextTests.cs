using System.Buffers.Binary;
using Vigil.WebRtc.Rtp;
using Vigil.WebRtc.Srtp;

namespace Vigil.WebRtc.Tests.Srtp;

public sealed class SrtpContextTests
{
    public static TheoryData<SrtpProfile> Profiles => [SrtpProfile.Aes128CmHmacSha1Tag80, SrtpProfile.AeadAes128Gcm];

    [Theory]
    [MemberData(nameof(Profiles))]
    public void Sequence_rollover_increments_the_roc_and_the_receiver_follows(SrtpProfile profile)
    {
        var (sender, receiver) = Pair(profile);
        using var senderLifetime = sender;
        using var receiverLifetime = receiver;

        ulong index = 65530;
        for (var i = 0; i < 20; i++, index++)
        {
            var packet = Protect(sender, index, payloadByte: (byte)i);
            Assert.True(receiver.TryUnprotectRtp(packet, packet.Length, out var length), $"index {index}");
            Assert.Equal((byte)i, packet[length - 1]);
        }
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void A_retransmitted_pre_wrap_packet_keeps_its_roc_0_index(SrtpProfile profile)
    {
        var (sender, receiver) = Pair(profile);
        using var senderLifetime = sender;
        using var receiverLifetime = receiver;

        var preWrap = Protect(sender, 65535, payloadByte: 7);  // first sent, then "lost"
        foreach (var index in new ulong[] { 65534, 65536, 65537, 65538 })
        {
            var p = Protect(sender, index, payloadByte: 1);
            Assert.True(receiver.TryUnprotectRtp(p, p.Length, out _));
        }

        // A NACK makes us resend the stored bytes of index 65535 (ROC 0) after the wrap.
        Assert.True(receiver.TryUnprotectRtp(preWrap, preWrap.Length, out var length));
        Assert.Equal(7, preWrap[length - 1]);
    }

    [Fact]
    public void Protecting_with_the_wrong_roc_fails_authentication_at_the_receiver()
    {
        var (sender, receiver) = Pair(SrtpProfile.Aes128CmHmacSha1Tag80);
        using var senderLifetime = sender;
        using var receiverLifetime = receiver;
        var first = Protect(sender, 100, 1);
        Assert.True(receiver.TryUnprotectRtp(first, first.Length, out _));

        var wrongRoc = Protect(sender, (1UL << 16) + 101, 1);
        Assert.False(receiver.TryUnprotectRtp(wrongRoc, wrongRoc.Length, out _));
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void Replayed_rtp_and_rtcp_packets_are_rejected(SrtpProfile profile)
    {
        var (sender, receiver) = Pair(profile);
        using var senderLifetime = sender;
        using var receiverLifetime = receiver;

        var rtp = Protect(sender, 10, 1);
        var copy = (byte[])rtp.Clone();
        Assert.True(receiver.TryUnprotectRtp(rtp, rtp.Length, out _));
        Assert.False(receiver.TryUnprotectRtp(copy, copy.Length, out _));

        var rtcp = Rtcp(sender);
        var rtcpCopy = (byte[])rtcp.Clone();
        Assert.True(receiver.TryUnprotectRtcp(rtcp, rtcp.Length, out _));
        Assert.False(receiver.TryUnprotectRtcp(rtcpCopy, rtcpCopy.Length, out _));
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void A_flipped_bit_fails_authentication(SrtpProfile profile)
    {
        var (sender, receiver) = Pair(profile);
        using var senderLifetime = sender;
        using var receiverLifetime = receiver;

        var rtp = Protect(sender, 10, 1);
        rtp[15] ^= 1;
        Assert.False(receiver.TryUnprotectRtp(rtp, rtp.Length, out _));

        var rtcp = Rtcp(sender);
        rtcp[10] ^= 1;
        Assert.False(receiver.TryUnprotectRtcp(rtcp, rtcp.Length, out _));
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void Srtcp_index_increments_and_the_e_flag_is_set(SrtpProfile profile)
    {
        var (sender, receiver) = Pair(profile);
        using var senderLifetime = sender;
        using var receiverLifetime = receiver;
        for (uint expected = 1; expected <= 3; expected++)
        {
            var packet = Rtcp(sender);
            var trailerOffset = profile == SrtpProfile.AeadAes128Gcm ? packet.Length - 4 : packet.Length - 14;
            Assert.Equal(0x80000000u | expected, BinaryPrimitives.ReadUInt32BigEndian(packet.AsSpan(trailerOffset)));
            Assert.True(receiver.TryUnprotectRtcp(packet, packet.Length, out var length));
            Assert.Equal(28, length);
        }
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void Truncated_and_random_input_is_rejected_without_exceptions(SrtpProfile profile)
    {
        var (sender, receiver) = Pair(profile);
        using var senderLifetime = sender;
        using var receiverLifetime = receiver;
        var rtp = Protect(sender, 500, 3);
        var rtcp = Rtcp(sender);
        for (var n = 0; n < rtp.Length; n++)
        {
            var copy = rtp[..n];
            Assert.False(receiver.TryUnprotectRtp(copy, copy.Length, out _));
        }

        for (var n = 0; n < rtcp.Length; n++)
        {
            var copy = rtcp[..n];
            Assert.False(receiver.TryUnprotectRtcp(copy, copy.Length, out _));
        }

        var random = new FuzzRandom(3711);
        for (var i = 0; i < 5000; i++)
        {
            var input = random.Bytes(random.Next(0, 300));
            if (input.Length > 0 && i % 2 == 0)
            {
                input[0] = 0x80;
            }

            Assert.False(receiver.TryUnprotectRtp(input, input.Length, out _));
            Assert.False(receiver.TryUnprotectRtcp(input, input.Length, out _));
        }
    }

    internal static (SrtpContext Sender, SrtpContext Receiver) Pair(SrtpProfile profile)
    {
        var key = new FuzzRandom(42).Bytes(16);
        var salt = new FuzzRandom(43).Bytes(SrtpProfileInfo.MasterSaltLength(profile));
        return (new SrtpContext(profile, key, salt), new SrtpContext(profile, key, salt));
    }

    internal static byte[] Protect(SrtpContext context, ulong index, byte payloadByte)
    {
        var buffer = new byte[12 + 100 + context.RtpOverhead];
        RtpHeader.Write(buffer, marker: false, 96, (ushort)index, 1234, 0xCAFEBABE);
        buffer.AsSpan(12, 100).Fill(payloadByte);
        var length = context.ProtectRtp(buffer, 112, index);
        return buffer[..length];
    }

    private static byte[] Rtcp(SrtpContext context)
    {
        // RR with no report blocks + a 20-byte filler packet, 28 bytes in total.
        var buffer = new byte[28 + context.RtcpOverhead];
        buffer[0] = 0x80;
        buffer[1] = 201;
        buffer[3] = 1;
        BinaryPrimitives.WriteUInt32BigEndian(buffer.AsSpan(4), 1);
        buffer[8] = 0x80;
        buffer[9] = 204;
        buffer[11] = 4;
        var length = context.ProtectRtcp(buffer, 28);
        return buffer[..length];
    }
}
