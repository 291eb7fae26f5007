namespace Vigil.WebRtc.Turn;

/// Timers of the TURN client.
internal sealed record TurnClientOptions
{
    /// First retransmission timeout of a request over UDP (RFC 8489 §6.2.1).
    public TimeSpan InitialRto { get; init; } = TimeSpan.FromMilliseconds(500);

    /// Requests per transaction; TURN requests give up after ~7.5 s so gathering never hangs on a dead server.
    public int MaxRequests { get; init; } = 5;

    /// Requested allocation lifetime (RFC 8656 §7.2: the server may shorten it; coturn defaults to 600 s).
    public TimeSpan RequestedLifetime { get; init; } = TimeSpan.FromSeconds(600);

    /// Permissions live 300 s (RFC 8656 §9); refreshed well before (pion/turn uses 120 s).
    public TimeSpan PermissionRefresh { get; init; } = TimeSpan.FromSeconds(120);

    /// Channel bindings live 600 s (§12); refreshed at half (pion/turn every 5 min; aioice PR #35 forgot).
    public TimeSpan ChannelRefresh { get; init; } = TimeSpan.FromSeconds(300);

    /// How many 438 Stale Nonce answers in a row one request may get before it fails.
    public int MaxStaleNonceRetries { get; init; } = 3;
}
