using System.Security.Cryptography;

namespace Vigil.WebRtc.Ice;

/// Local ICE credentials (RFC 8445 §5.3, RFC 8839 §5.4): ice-chars only; the ufrag at least 4 and
/// the password at least 22 characters (Chromium rejects shorter ones), 24 random characters give
/// 143 bits, above the 128 the RFC asks for.
internal sealed record IceCredentials(string Ufrag, string Pwd)
{
    private const string IceChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    public static IceCredentials Generate() => new(RandomString(8), RandomString(24));

    public static string RandomString(int length) => RandomNumberGenerator.GetString(IceChars, length);
}
