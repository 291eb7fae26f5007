namespace Vigil.WebRtc.Ice;

/// <summary>ICE candidate types (RFC 8445 §5.1.1).</summary>
public enum IceCandidateType
{
    /// <summary>An address on a local interface.</summary>
    Host,

    /// <summary>The address a NAT maps a host candidate to, learned from a STUN server.</summary>
    ServerReflexive,

    /// <summary>An address learned from a connectivity check (RFC 8445 §7.2.5.3.1, §7.3.1.3).</summary>
    PeerReflexive,

    /// <summary>An address allocated on a TURN server.</summary>
    Relay,
}
