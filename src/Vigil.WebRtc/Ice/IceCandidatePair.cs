namespace Vigil.WebRtc.Ice;

/// A check-list entry (RFC 8445 §6.1.2): local base × remote candidate, with its check state.
internal sealed class IceCandidatePair(IceLocalBase local, IceRemoteCandidate remote, ulong priority)
{
    public IceLocalBase Local { get; } = local;

    public IceRemoteCandidate Remote { get; set; } = remote;

    public ulong Priority { get; set; } = priority;

    public IceCandidatePairState State { get; set; } = IceCandidatePairState.Waiting;

    /// §7.3.1.5: USE-CANDIDATE arrived before our own check on this pair succeeded; nominate
    /// (select) the pair as soon as it does.
    public bool NominateOnSuccess { get; set; }

    public bool Nominated { get; set; }

    /// Our in-flight check, if any.
    public Stun.StunTransactionId? Transaction { get; set; }

    public TimeSpan? RoundTripTime { get; set; }

    /// Last authenticated response to one of our requests on this pair.
    public TimeSpan LastResponse { get; set; } = TimeSpan.MinValue;

    /// Last authenticated request from the peer on this pair.
    public TimeSpan LastRequest { get; set; } = TimeSpan.MinValue;

    public int RequestsReceived { get; set; }

    public int ResponsesReceived { get; set; }

    public override string ToString() => $"{Local} -> {IceCandidate.TypeToken(Remote.Type)} {Remote.EndPoint} [{State}]";
}
