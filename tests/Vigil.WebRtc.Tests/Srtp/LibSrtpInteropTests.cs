using System.Buffers.Binary;
using Vigil.TestSupport;
using Vigil.WebRtc.Rtp;
using Vigil.WebRtc.Srtp;

namespace Vigil.WebRtc.Tests.Srtp;

/// Independent check against libsrtp 2 from Debian (the SRTP library inside Chromium), loaded
/// with P/Invoke: what we protect it must accept, across a sequence-number rollover too, and
/// what it protects we must accept.
public sealed class LibSrtpInteropTests
{
    private static readonly byte[] MasterKey = new FuzzRandom(11).Bytes(16);
    private static readonly byte[] MasterSalt = new FuzzRandom(12).Bytes(14);
    private static readonly byte[] GcmSalt = new FuzzRandom(13).Bytes(12);

    [Fact]
    public void Libsrtp_decrypts_our_packets_across_a_sequence_number_rollover()
    {
        using var ours = new SrtpContext(SrtpProfile.Aes128CmHmacSha1Tag80, MasterKey, MasterSalt);
        using var libsrtp = LibSrtp.Create(MasterKey, MasterSalt, inbound: true);
        var random = new FuzzRandom(65000);

        ulong index = 65000; // ROC 0, wraps after 535 packets
        for (var i = 0; i < 1200; i++, index++)
        {
            var payload = random.Bytes(random.Next(1, 1188));
            var packet = Build(index, payload, ours);

            var length = packet.Length;
            var status = libsrtp.UnprotectRtp(packet, ref length);

            Assert.True(status == 0, $"libsrtp status {status} at index {index} (ROC {index >> 16}, SEQ {(ushort)index})");
            Assert.Equal(payload, packet[12..length]);
        }

        Assert.Equal(66200UL, index);
    }

    [Fact]
    public void A_late_pre_wrap_packet_still_decrypts_in_libsrtp_after_the_rollover()
    {
        using var ours = new SrtpContext(SrtpProfile.Aes128CmHmacSha1Tag80, MasterKey, MasterSalt);
        using var libsrtp = LibSrtp.Create(MasterKey, MasterSalt, inbound: true);
        var held = Build(65535, [1, 2, 3], ours);
        foreach (var index in new ulong[] { 65530, 65531, 65532, 65533, 65534, 65536, 65537, 65538 })
        {
            var packet = Build(index, [9], ours);
            var length = packet.Length;
            Assert.Equal(0, libsrtp.UnprotectRtp(packet, ref length));
        }

        // What a NACK-driven resend of the stored bytes looks like to the browser.
        var heldLength = held.Length;
        Assert.Equal(0, libsrtp.UnprotectRtp(held, ref heldLength));
        Assert.Equal([1, 2, 3], held[12..heldLength]);
    }

    [Fact]
    public void We_decrypt_rtp_and_rtcp_that_libsrtp_protected()
    {
        using var libsrtp = LibSrtp.Create(MasterKey, MasterSalt, inbound: false);
        using var ours = new SrtpContext(SrtpProfile.Aes128CmHmacSha1Tag80, MasterKey, MasterSalt);

        for (var seq = 65530; seq < 65540; seq++)
        {
            var buffer = new byte[12 + 50 + 10];
            RtpHeader.Write(buffer, false, 102, (ushort)seq, 1, 0x1234);
            buffer.AsSpan(12, 50).Fill((byte)seq);
            var length = libsrtp.ProtectRtp(buffer, 62);
            Assert.True(ours.TryUnprotectRtp(buffer, length, out var plain), $"seq {seq}");
            Assert.All(buffer[12..plain], b => Assert.Equal((byte)seq, b));
        }

        for (var i = 0; i < 5; i++)
        {
            // A browser-style receiver report with one block, from RTCP SSRC 1.
            var rtcp = new byte[32 + 14];
            rtcp[0] = 0x81;
            rtcp[1] = 201;
            rtcp[3] = 7;
            BinaryPrimitives.WriteUInt32BigEndian(rtcp.AsSpan(4), 1);
            BinaryPrimitives.WriteUInt32BigEndian(rtcp.AsSpan(8), 0x1234);
            rtcp[12] = (byte)i;
            var length = libsrtp.ProtectRtcp(rtcp, 32);
            Assert.True(ours.TryUnprotectRtcp(rtcp, length, out var plain));
            Assert.Equal(32, plain);
            Assert.Equal((byte)i, rtcp[12]);
        }
    }

    [Fact]
    public void Libsrtp_decrypts_our_aes_gcm_packets_across_a_rollover_and_we_decrypt_its_srtcp()
    {
        using var ours = new SrtpContext(SrtpProfile.AeadAes128Gcm, MasterKey, GcmSalt);
        using var inbound = LibSrtp.CreateAesGcm128(MasterKey, GcmSalt, inbound: true);
        var random = new FuzzRandom(7714);
        for (ulong index = 65400; index < 65800; index++)
        {
            var payload = random.Bytes(random.Next(1, 1188));
            var packet = Build(index, payload, ours, tag: 16);
            var length = packet.Length;
            var status = inbound.UnprotectRtp(packet, ref length);
            Assert.True(status == 0, $"libsrtp status {status} at index {index} (ROC {index >> 16}, SEQ {(ushort)index})");
            Assert.Equal(payload, packet[12..length]);
        }

        using var outbound = LibSrtp.CreateAesGcm128(MasterKey, GcmSalt, inbound: false);
        using var receiver = new SrtpContext(SrtpProfile.AeadAes128Gcm, MasterKey, GcmSalt);
        for (var i = 0; i < 5; i++)
        {
            var rtcp = new byte[32 + 20];
            rtcp[0] = 0x81;
            rtcp[1] = 201;
            rtcp[3] = 7;
            BinaryPrimitives.WriteUInt32BigEndian(rtcp.AsSpan(4), 1);
            rtcp[12] = (byte)i;
            var length = outbound.ProtectRtcp(rtcp, 32);
            Assert.Equal(52, length);
            Assert.True(receiver.TryUnprotectRtcp(rtcp, length, out var plain), $"SRTCP {i}");
            Assert.Equal(32, plain);
            Assert.Equal((byte)i, rtcp[12]);
        }

        // A flipped bit in libsrtp's output must fail our tag check, not decrypt to garbage.
        var tampered = new byte[12 + 40 + 16];
        RtpHeader.Write(tampered, false, 108, 7, 1, 0x77);
        var tamperedLength = outbound.ProtectRtp(tampered, 52);
        tampered[20] ^= 1;
        Assert.False(receiver.TryUnprotectRtp(tampered, tamperedLength, out _));
    }

    internal static byte[] Build(ulong index, byte[] payload, SrtpContext context, int tag = 10)
    {
        var buffer = new byte[12 + payload.Length + tag];
        RtpHeader.Write(buffer, marker: false, 108, (ushort)index, 90000, 0x5EED);
        payload.CopyTo(buffer, 12);
        var length = context.ProtectRtp(buffer, 12 + payload.Length, index);
        return buffer[..length];
    }
}
