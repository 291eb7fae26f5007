using Vigil.WebRtc.Stun;

namespace Vigil.Fuzz.Targets;

/// <summary>
/// A STUN datagram (RFC 8489), as the STUN binding service and the ICE agent receive it: parse, then
/// every accessor the server and the agent use. Documented refusal: <c>false</c>, nothing else.
/// </summary>
internal static class StunHarness
{
    private static readonly byte[] Key = "VOkJxbRl1RmTxUk/WvJxBt"u8.ToArray();

    public static void Run(ReadOnlySpan<byte> data)
    {
        if (!StunMessage.TryParse(data, out var message))
        {
            return;
        }

        _ = message.UnknownComprehensionRequired();
        foreach (var type in message.AttributeTypes)
        {
            _ = message.TryGetAttribute(type, out _);
        }

        _ = message.TryGetString(StunAttributeType.Username, out _);
        _ = message.TryGetString(StunAttributeType.Realm, out _);
        _ = message.TryGetString(StunAttributeType.Nonce, out _);
        _ = message.TryGetString(StunAttributeType.Software, out _);
        _ = message.TryGetUInt32(StunAttributeType.Priority, out _);
        _ = message.TryGetUInt32(StunAttributeType.Lifetime, out _);
        _ = message.TryGetUInt64(StunAttributeType.IceControlled, out _);
        _ = message.TryGetUInt64(StunAttributeType.IceControlling, out _);
        _ = message.TryGetXorAddress(StunAttributeType.XorMappedAddress, out _);
        _ = message.TryGetXorAddress(StunAttributeType.XorPeerAddress, out _);
        _ = message.TryGetXorAddress(StunAttributeType.XorRelayedAddress, out _);
        _ = message.TryGetErrorCode(out _, out _);
        _ = message.VerifyMessageIntegrity(Key);
        _ = message.VerifyFingerprint();
        _ = message.ToString();
    }
}
