using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Vigil.WebRtc.Srtp;

/// The session keys of one SRTP or SRTCP stream family and the primitives built on them:
/// AES-CM keystream (RFC 3711 §4.1.1), HMAC-SHA1 tags (§4.2.1) or AES-GCM (RFC 7714).
/// Not thread-safe: it owns scratch buffers and a keyed HMAC; use one per sending thread.
internal sealed class SrtpSessionCipher : IDisposable
{
    private const int MaxScratch = 65536;

    private readonly Aes? _aes;
    private readonly IncrementalHash? _hmac;
    private readonly AesGcm? _gcm;
    private readonly byte[] _salt;
    private byte[] _counters = new byte[2048];
    private byte[] _keystream = new byte[2048];

    private SrtpSessionCipher(SrtpProfile profile, ReadOnlySpan<byte> encryptionKey, ReadOnlySpan<byte> authKey, ReadOnlySpan<byte> salt)
    {
        Profile = profile;
        _salt = salt.ToArray();
        if (profile == SrtpProfile.AeadAes128Gcm)
        {
            _gcm = new AesGcm(encryptionKey, 16);
        }
        else
        {
            _aes = Aes.Create();
            _aes.Key = encryptionKey.ToArray();
            _hmac = CreateHmac(authKey);
        }
    }

    /// Derives the session keys of the SRTP (labels 0–2) or SRTCP (labels 3–5) family from the
    /// master key and salt (RFC 3711 §4.3).
    public static SrtpSessionCipher Derive(SrtpProfile profile, ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt, bool rtcp)
    {
        if (masterKey.Length != SrtpProfileInfo.MasterKeyLength(profile) || masterSalt.Length != SrtpProfileInfo.MasterSaltLength(profile))
        {
            throw new ArgumentException("Master key or salt has the wrong length for the profile.");
        }

        Span<byte> encryptionKey = stackalloc byte[16];
        Span<byte> authKey = stackalloc byte[20];
        Span<byte> salt = stackalloc byte[masterSalt.Length];
        SrtpKeyDerivation.Derive(masterKey, masterSalt, rtcp ? SrtpKeyDerivation.RtcpEncryption : SrtpKeyDerivation.RtpEncryption, encryptionKey);
        SrtpKeyDerivation.Derive(masterKey, masterSalt, rtcp ? SrtpKeyDerivation.RtcpAuthentication : SrtpKeyDerivation.RtpAuthentication, authKey);
        SrtpKeyDerivation.Derive(masterKey, masterSalt, rtcp ? SrtpKeyDerivation.RtcpSalt : SrtpKeyDerivation.RtpSalt, salt);
        var cipher = new SrtpSessionCipher(profile, encryptionKey, authKey, salt);
        CryptographicOperations.ZeroMemory(encryptionKey);
        CryptographicOperations.ZeroMemory(authKey);
        return cipher;
    }

    /// Uses session keys as given (the RFC 3711 B.2 and RFC 7714 §16–17 vectors are stated that way).
    public static SrtpSessionCipher FromSessionKeys(SrtpProfile profile, ReadOnlySpan<byte> encryptionKey, ReadOnlySpan<byte> authKey, ReadOnlySpan<byte> salt) =>
        new(profile, encryptionKey, authKey, salt);

    [SuppressMessage("Security", "CA5350:Do Not Use Weak Cryptographic Algorithms", Justification = "RFC 3711 §4.2.1 mandates HMAC-SHA1 for this profile.")]
    private static IncrementalHash CreateHmac(ReadOnlySpan<byte> authKey) =>
        IncrementalHash.CreateHMAC(HashAlgorithmName.SHA1, authKey);

    public SrtpProfile Profile { get; }

    public ReadOnlySpan<byte> Salt => _salt;

    /// RFC 3711 §4.1.1: XOR <paramref name="data"/> with the AES-CM keystream whose first counter
    /// block is <paramref name="iv"/> (16 bytes, last two zero); block i adds i to the low 16 bits.
    /// The counter blocks for the whole packet go through one ECB call.
    public void ApplyKeystream(ReadOnlySpan<byte> iv, Span<byte> data)
    {
        var blocks = (data.Length + 15) >> 4;
        var bytes = blocks << 4;
        if (bytes > _counters.Length)
        {
            if (bytes > MaxScratch)
            {
                throw new ArgumentException("Packet too large for SRTP.", nameof(data));
            }

            _counters = new byte[bytes];
            _keystream = new byte[bytes];
        }

        var counters = _counters.AsSpan(0, bytes);
        var ivWords = MemoryMarshal.Cast<byte, ulong>(iv);
        var counterWords = MemoryMarshal.Cast<byte, ulong>(counters);
        for (var i = 0; i < blocks; i++)
        {
            counterWords[2 * i] = ivWords[0];
            counterWords[(2 * i) + 1] = ivWords[1];
            counters[(i << 4) + 14] = (byte)(i >> 8);
            counters[(i << 4) + 15] = (byte)i;
        }

        var keystream = _keystream.AsSpan(0, bytes);
        _aes!.EncryptEcb(counters, keystream, PaddingMode.None);
        Xor(data, keystream);
    }

    /// RFC 3711 §4.2.1: HMAC-SHA1 over the authenticated portion (plus the ROC for SRTP),
    /// truncated to the 80-bit tag.
    public void ComputeTag(ReadOnlySpan<byte> authenticated, ReadOnlySpan<byte> rollover, Span<byte> tag)
    {
        _hmac!.AppendData(authenticated);
        if (!rollover.IsEmpty)
        {
            _hmac.AppendData(rollover);
        }

        Span<byte> full = stackalloc byte[20];
        _hmac.GetHashAndReset(full);
        full[..tag.Length].CopyTo(tag);
    }

    /// RFC 7714 §8/§9: AES-GCM with a 16-byte tag, in place.
    public void Seal(ReadOnlySpan<byte> nonce, Span<byte> data, Span<byte> tag, ReadOnlySpan<byte> associatedData) =>
        _gcm!.Encrypt(nonce, data, data, tag, associatedData);

    public bool TryOpen(ReadOnlySpan<byte> nonce, Span<byte> data, ReadOnlySpan<byte> tag, ReadOnlySpan<byte> associatedData)
    {
        try
        {
            _gcm!.Decrypt(nonce, data, tag, data, associatedData);
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            return false;
        }
    }

    private static void Xor(Span<byte> data, ReadOnlySpan<byte> keystream)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var width = Vector<byte>.Count;
            for (; i + width <= data.Length; i += width)
            {
                (new Vector<byte>(data[i..]) ^ new Vector<byte>(keystream[i..])).CopyTo(data[i..]);
            }
        }

        for (; i < data.Length; i++)
        {
            data[i] ^= keystream[i];
        }
    }

    public void Dispose()
    {
        _aes?.Dispose();
        _hmac?.Dispose();
        _gcm?.Dispose();
    }
}
