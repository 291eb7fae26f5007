using System.Security.Cryptography;

namespace Vigil.WebRtc.Srtp;

/// RFC 3711 §4.3: the SRTP key derivation function with key_derivation_rate 0 (r = 0).
/// x = key_id XOR master_salt with key_id = label ‖ 0⁴⁸ right-aligned to the 112-bit salt, so
/// the label lands in salt byte 7; the output is the AES-CM keystream of the master key with
/// IV = x·2¹⁶ (RFC 3711 §4.3.3). The 96-bit GCM master salt is first multiplied by 2¹⁶ to make
/// the 112-bit salt the KDF expects (RFC 7714 §11 as corrected by verified erratum 4938; libsrtp
/// and pion do the same), i.e. it is left-aligned and followed by two zero bytes.
internal static class SrtpKeyDerivation
{
    // RFC 3711 §4.3.1 labels; 0..2 for SRTP, 3..5 for SRTCP.
    public const byte RtpEncryption = 0x00;
    public const byte RtpAuthentication = 0x01;
    public const byte RtpSalt = 0x02;
    public const byte RtcpEncryption = 0x03;
    public const byte RtcpAuthentication = 0x04;
    public const byte RtcpSalt = 0x05;

    public static void Derive(ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt, byte label, Span<byte> output)
    {
        Span<byte> iv = stackalloc byte[16];
        iv.Clear();
        // x occupies the 14 most significant bytes of the counter block (x·2¹⁶).
        masterSalt.CopyTo(iv);
        iv[7] ^= label;

        var blocks = (output.Length + 15) / 16;
        Span<byte> counters = stackalloc byte[blocks * 16];
        Span<byte> keystream = stackalloc byte[blocks * 16];
        for (var i = 0; i < blocks; i++)
        {
            var block = counters.Slice(i * 16, 16);
            iv.CopyTo(block);
            block[14] = (byte)(i >> 8);
            block[15] = (byte)i;
        }

        using var aes = Aes.Create();
        aes.Key = masterKey.ToArray();
        aes.EncryptEcb(counters, keystream, PaddingMode.None);
        keystream[..output.Length].CopyTo(output);
    }
}
