namespace Vigil.WebRtc.Srtp;

/// Key, salt and tag sizes per profile (RFC 5764 §4.1.2, RFC 7714 §12/§14.2).
internal static class SrtpProfileInfo
{
    public static int MasterKeyLength(SrtpProfile profile) => 16;

    public static int MasterSaltLength(SrtpProfile profile) => profile == SrtpProfile.AeadAes128Gcm ? 12 : 14;

    /// Bytes appended to an RTP packet (the tag).
    public static int RtpOverhead(SrtpProfile profile) => profile == SrtpProfile.AeadAes128Gcm ? 16 : 10;

    /// Bytes appended to an RTCP packet (tag plus the E|index word).
    public static int RtcpOverhead(SrtpProfile profile) => RtpOverhead(profile) + 4;

    /// RFC 5764 §4.2: length of the DTLS exporter output, 2·(key + salt).
    public static int KeyingMaterialLength(SrtpProfile profile) => 2 * (MasterKeyLength(profile) + MasterSaltLength(profile));

    public static bool IsDefined(int id) => id is (int)SrtpProfile.Aes128CmHmacSha1Tag80 or (int)SrtpProfile.AeadAes128Gcm;
}
