namespace Vigil.WebRtc.Srtp;

/// <summary>An SRTP protection profile negotiated through the DTLS use_srtp extension.</summary>
/// <remarks>Values are the profile identifiers of RFC 5764 §4.1.2 and RFC 7714 §14.2.</remarks>
public enum SrtpProfile
{
    /// <summary>AES-128 counter mode with an 80-bit HMAC-SHA1 tag (the WebRTC mandatory profile, RFC 8827 §6.5).</summary>
    Aes128CmHmacSha1Tag80 = 0x0001,

    /// <summary>AES-128-GCM with a 16-byte tag (RFC 7714).</summary>
    AeadAes128Gcm = 0x0007,
}
