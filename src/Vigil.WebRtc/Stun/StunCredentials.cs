using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace Vigil.WebRtc.Stun;

/// Keys for MESSAGE-INTEGRITY.
internal static class StunCredentials
{
    /// RFC 8489 §9.1.1: the short-term key is the password itself (ICE uses the ice-pwd, RFC 8445 §7.2.2).
    public static byte[] ShortTermKey(string password) => Encoding.UTF8.GetBytes(password);

    /// RFC 8489 §9.2.2: key = MD5(username ":" OpaqueString(realm) ":" OpaqueString(password)).
    /// RFC 5389 used SASLprep(password) (and RFC 5769's long-term vector is built that way); for
    /// the ASCII strings TURN servers hand out both profiles are the identity.
    [SuppressMessage("Security", "CA5351:Do Not Use Broken Cryptographic Primitives", Justification = "RFC 8489 §9.2.2 mandates MD5 for the long-term key.")]
    public static byte[] LongTermKey(string username, string realm, string password) =>
        MD5.HashData(Encoding.UTF8.GetBytes($"{username}:{StringPrep.Prepare(realm)}:{StringPrep.Prepare(password)}"));
}
