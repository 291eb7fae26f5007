namespace Vigil.WebRtc.Ice;

/// Timers of the ICE agent; defaults follow RFC 8445 §14 and RFC 7675.
internal sealed record IceAgentOptions
{
    /// Ta, the pacing of new checks (RFC 8445 §14.2).
    public TimeSpan CheckInterval { get; init; } = TimeSpan.FromMilliseconds(50);

    /// First retransmission timeout of a check (RFC 8445 §14.3, ≥ 500 ms).
    public TimeSpan InitialRto { get; init; } = TimeSpan.FromMilliseconds(500);

    /// Requests per check before the pair fails (RFC 8489 Rc).
    public int MaxCheckRequests { get; init; } = 7;

    /// Consent checks on the selected pair, jittered ±20 % (RFC 7675 §5.1).
    public TimeSpan ConsentInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// Consent expires this long after the last authenticated response (RFC 7675 §5.1: 30 s).
    public TimeSpan ConsentTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// The selected pair counts as disconnected after this long without any authenticated
    /// response or request (requests count too: Chrome 144+ skips some responses, str0m PR #848).
    public TimeSpan DisconnectedTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// Give up when no pair has been selected this long after checking began.
    public TimeSpan FailureTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
