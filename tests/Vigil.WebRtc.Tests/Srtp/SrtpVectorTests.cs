using System.Text;
using Vigil.WebRtc.Srtp;
using static Vigil.WebRtc.Tests.TestVectors;

namespace Vigil.WebRtc.Tests.Srtp;

public sealed class SrtpVectorTests
{
    internal static readonly byte[] LibsrtpMasterKey = FromHex("E1F97A0D3E018BE0D64FA32C06DE4139");
    internal static readonly byte[] LibsrtpMasterSalt = FromHex("0EC675AD498AFEEBB6960B3AABE6");

    [Fact]
    public void Rfc3711_B_2_aes_cm_keystream()
    {
        using var cipher = SrtpSessionCipher.FromSessionKeys(
            SrtpProfile.Aes128CmHmacSha1Tag80, FromHex("2B7E151628AED2A6ABF7158809CF4F3C"), new byte[20], FromHex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD"));
        var iv = FromHex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000");
        var data = new byte[48];

        cipher.ApplyKeystream(iv, data);

        Assert.Equal(ToHex(Hex("Srtp/rfc3711-B.2-keystream.hex")), ToHex(data));
    }

    [Fact]
    public void Rfc3711_B_3_key_derivation_for_srtp()
    {
        var key = new byte[16];
        var salt = new byte[14];
        var auth = new byte[20];
        SrtpKeyDerivation.Derive(LibsrtpMasterKey, LibsrtpMasterSalt, SrtpKeyDerivation.RtpEncryption, key);
        SrtpKeyDerivation.Derive(LibsrtpMasterKey, LibsrtpMasterSalt, SrtpKeyDerivation.RtpSalt, salt);
        SrtpKeyDerivation.Derive(LibsrtpMasterKey, LibsrtpMasterSalt, SrtpKeyDerivation.RtpAuthentication, auth);

        Assert.Equal("c61e7a93744f39ee10734afe3ff7a087", ToHex(key));
        Assert.Equal("30cbbc08863d8c85d49db34a9ae1", ToHex(salt));
        Assert.Equal("cebe321f6ff7716b6fd4ab49af256a156d38baa4", ToHex(auth));
    }

    [Fact]
    public void Rfc3711_B_3_master_key_with_srtcp_labels()
    {
        var key = new byte[16];
        var salt = new byte[14];
        var auth = new byte[20];
        SrtpKeyDerivation.Derive(LibsrtpMasterKey, LibsrtpMasterSalt, SrtpKeyDerivation.RtcpEncryption, key);
        SrtpKeyDerivation.Derive(LibsrtpMasterKey, LibsrtpMasterSalt, SrtpKeyDerivation.RtcpSalt, salt);
        SrtpKeyDerivation.Derive(LibsrtpMasterKey, LibsrtpMasterSalt, SrtpKeyDerivation.RtcpAuthentication, auth);

        Assert.Equal("4c1aa45a81f73d61c800bbb00fbb1eaa", ToHex(key));
        Assert.Equal("9581c7ad87b3e530bf3e4454a8b3", ToHex(salt));
        Assert.Equal("8d54534feb49ae8e7993a6bd0b844fc323a93dfd", ToHex(auth));
    }

    [Fact]
    public void Libsrtp_reference_rtp_packet_is_reproduced()
    {
        using var context = new SrtpContext(SrtpProfile.Aes128CmHmacSha1Tag80, LibsrtpMasterKey, LibsrtpMasterSalt);
        var buffer = new byte[64];
        var plain = FromHex("800f1234decafbadcafebabe" + string.Concat(Enumerable.Repeat("ab", 16)));
        plain.CopyTo(buffer, 0);

        var length = context.ProtectRtp(buffer, plain.Length, 0x1234);

        Assert.Equal(ToHex(Hex("Srtp/libsrtp-rtp-reference.hex")), ToHex(buffer.AsSpan(0, length)));
    }

    [Fact]
    public void Libsrtp_reference_rtcp_packet_is_reproduced_with_first_index_1()
    {
        using var context = new SrtpContext(SrtpProfile.Aes128CmHmacSha1Tag80, LibsrtpMasterKey, LibsrtpMasterSalt);
        var buffer = new byte[64];
        var plain = FromHex("81c8000bcafebabe" + string.Concat(Enumerable.Repeat("ab", 16)));
        plain.CopyTo(buffer, 0);

        var length = context.ProtectRtcp(buffer, plain.Length);

        Assert.Equal(ToHex(Hex("Srtp/libsrtp-rtcp-reference.hex")), ToHex(buffer.AsSpan(0, length)));
    }

    [Fact]
    public void Libsrtp_reference_packets_unprotect_to_the_plaintext()
    {
        using var receiver = new SrtpContext(SrtpProfile.Aes128CmHmacSha1Tag80, LibsrtpMasterKey, LibsrtpMasterSalt);
        var rtp = Hex("Srtp/libsrtp-rtp-reference.hex");
        Assert.True(receiver.TryUnprotectRtp(rtp, rtp.Length, out var rtpLength));
        Assert.Equal("800f1234decafbadcafebabe" + string.Concat(Enumerable.Repeat("ab", 16)), ToHex(rtp.AsSpan(0, rtpLength)));

        var rtcp = Hex("Srtp/libsrtp-rtcp-reference.hex");
        Assert.True(receiver.TryUnprotectRtcp(rtcp, rtcp.Length, out var rtcpLength));
        Assert.Equal("81c8000bcafebabe" + string.Concat(Enumerable.Repeat("ab", 16)), ToHex(rtcp.AsSpan(0, rtcpLength)));
    }

    [Fact]
    public void Rfc7714_16_1_aead_aes_128_gcm_rtp()
    {
        using var context = GcmVectorContext();
        var plain = FromHex("8040f17b8041f8d35501a0b2").Concat(Encoding.ASCII.GetBytes("Gallia est omnis divisa in partes tres")).ToArray();
        var buffer = new byte[plain.Length + 16];
        plain.CopyTo(buffer, 0);

        var length = context.ProtectRtp(buffer, plain.Length, 0xf17b);

        Assert.Equal(ToHex(Hex("Srtp/rfc7714-16.1-rtp-aes128gcm.hex")), ToHex(buffer.AsSpan(0, length)));
    }

    [Fact]
    public void Rfc7714_17_1_aead_aes_128_gcm_rtcp()
    {
        using var context = GcmVectorContext();
        var plain = FromHex("81c8000d4d6172734e5450314e545032525450200000042a0000e9304c756e61" + string.Concat(Enumerable.Repeat("deadbeef", 5)));
        var buffer = new byte[plain.Length + 20];
        plain.CopyTo(buffer, 0);

        var length = context.ProtectRtcp(buffer, plain.Length, 0x5d4);

        Assert.Equal(ToHex(Hex("Srtp/rfc7714-17.1-rtcp-aes128gcm.hex")), ToHex(buffer.AsSpan(0, length)));
    }

    [Fact]
    public void Rfc7714_vectors_unprotect()
    {
        using var context = GcmVectorContext();
        var rtp = Hex("Srtp/rfc7714-16.1-rtp-aes128gcm.hex");
        Assert.True(context.TryUnprotectRtp(rtp, rtp.Length, out var rtpLength));
        Assert.Equal("Gallia est omnis divisa in partes tres", Encoding.ASCII.GetString(rtp, 12, rtpLength - 12));

        var rtcp = Hex("Srtp/rfc7714-17.1-rtcp-aes128gcm.hex");
        Assert.True(context.TryUnprotectRtcp(rtcp, rtcp.Length, out var rtcpLength));
        Assert.Equal(52, rtcpLength);
    }

    private static SrtpContext GcmVectorContext()
    {
        var key = FromHex("000102030405060708090a0b0c0d0e0f");
        var salt = FromHex("517569642070726f2071756f");
        return new SrtpContext(
            SrtpSessionCipher.FromSessionKeys(SrtpProfile.AeadAes128Gcm, key, [], salt),
            SrtpSessionCipher.FromSessionKeys(SrtpProfile.AeadAes128Gcm, key, [], salt));
    }
}
