namespace Vigil.Server.Features.Cluster;

/// <summary>
/// Fixed-window counters behind rate limits: per node in process (one node, the default), shared through Redis
/// in a cluster, so a limit that protects users holds for the whole service, not per node.
/// </summary>
internal interface IRateWindowStore
{
    /// <summary>
    /// Counts one event for <paramref name="key"/> in the window <paramref name="window"/> (e.g. the minute); returns the
    /// count so far and the count of the window before it (for a sliding estimate, <see cref="RateWindowCount.Sliding"/>).
    /// </summary>
    ValueTask<RateWindowCount> IncrementAsync(string key, long window, TimeSpan lifetime, CancellationToken cancellationToken);
}

/// <summary>The events counted in the current window (this one included) and in the window before.</summary>
internal readonly record struct RateWindowCount(long Current, long Previous)
{
    /// <summary>
    /// The sliding-window estimate: the current count plus the previous window's weighted by the part of it still
    /// inside the sliding window (<paramref name="elapsed"/> is how far into the current window we are, 0 to 1). A fixed
    /// window alone would let twice the limit through across a boundary.
    /// </summary>
    public double Sliding(double elapsed) => Current + (Previous * (1 - Math.Clamp(elapsed, 0, 1)));
}
