using System.Net;
using System.Net.Sockets;

namespace Vigil.WebRtc.Ice;

/// Where the agent sends from (RFC 8445 §5.1.1: a candidate's base): a host UDP socket, or a
/// TURN allocation whose relayed address is the base of the relay candidate.
internal abstract class IceLocalBase
{
    /// The host or relay candidate of this base (signalled unless the policy hides it).
    public abstract IceCandidate Candidate { get; }

    public abstract AddressFamily Family { get; }

    public bool IsRelay => Candidate.Type == IceCandidateType.Relay;

    /// Local preference used for the priority this base announces in checks (§7.1.1).
    public int LocalPreference { get; init; } = 65535;

    /// Sends a datagram to a peer address from this base.
    public abstract void Send(ReadOnlySpan<byte> datagram, IPEndPoint remote);

    /// Relayed bases need a TURN permission for the peer's IP before anything reaches it
    /// (RFC 8656 §9); true when sending may start now. Host bases are always ready.
    public virtual bool PrepareFor(IPEndPoint remote) => true;

    public override string ToString() => $"{IceCandidate.TypeToken(Candidate.Type)} {Candidate.Address}:{Candidate.Port}";
}
