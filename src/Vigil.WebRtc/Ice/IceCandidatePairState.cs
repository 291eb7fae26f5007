namespace Vigil.WebRtc.Ice;

/// RFC 8445 §6.1.2.6 pair states.
internal enum IceCandidatePairState
{
    Frozen,
    Waiting,
    InProgress,
    Succeeded,
    Failed,
}
