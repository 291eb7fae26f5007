namespace Vigil.WebRtc.Stun;

/// Attribute type codes: RFC 8489 §18.3, ICE (RFC 8445 §16.1) and TURN (RFC 8656 §18).
/// Types below 0x8000 are comprehension-required, the others comprehension-optional (§14).
internal static class StunAttributeType
{
    public const ushort MappedAddress = 0x0001;
    public const ushort Username = 0x0006;
    public const ushort MessageIntegrity = 0x0008;
    public const ushort ErrorCode = 0x0009;
    public const ushort UnknownAttributes = 0x000A;
    public const ushort ChannelNumber = 0x000C;
    public const ushort Lifetime = 0x000D;
    public const ushort XorPeerAddress = 0x0012;
    public const ushort Data = 0x0013;
    public const ushort Realm = 0x0014;
    public const ushort Nonce = 0x0015;
    public const ushort XorRelayedAddress = 0x0016;
    public const ushort RequestedTransport = 0x0019;
    public const ushort DontFragment = 0x001A;
    public const ushort MessageIntegritySha256 = 0x001C;
    public const ushort PasswordAlgorithm = 0x001D;
    public const ushort Userhash = 0x001E;
    public const ushort XorMappedAddress = 0x0020;
    public const ushort Priority = 0x0024;
    public const ushort UseCandidate = 0x0025;
    public const ushort Software = 0x8022;
    public const ushort AlternateServer = 0x8023;
    public const ushort Fingerprint = 0x8028;
    public const ushort IceControlled = 0x8029;
    public const ushort IceControlling = 0x802A;

    /// RFC 8489 §14: 0x0000–0x7FFF must be understood by the receiver.
    public static bool IsComprehensionRequired(ushort type) => type < 0x8000;

    /// The comprehension-required attributes this implementation understands in any message it
    /// accepts. Anything else below 0x8000 in a request earns a 420 (RFC 8489 §6.3.1).
    public static bool IsKnown(ushort type) => type switch
    {
        MappedAddress or Username or MessageIntegrity or ErrorCode or UnknownAttributes or ChannelNumber
            or Lifetime or XorPeerAddress or Data or Realm or Nonce or XorRelayedAddress or RequestedTransport
            or DontFragment or XorMappedAddress or Priority or UseCandidate => true,
        _ => !IsComprehensionRequired(type),
    };
}
