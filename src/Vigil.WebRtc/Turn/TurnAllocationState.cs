namespace Vigil.WebRtc.Turn;

/// Lifecycle of a TURN allocation (RFC 8656 §7–§8).
internal enum TurnAllocationState
{
    Idle,
    Allocating,
    Allocated,
    Failed,
    Closed,
}
