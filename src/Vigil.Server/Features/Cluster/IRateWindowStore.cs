namespace Vigil.Server.Features.Cluster;

/// <summary>
/// Fixed-window counters behind rate limits: per node in process (one node, the default), shared through Redis
/// in a cluster, so a limit that protects users holds for the whole service, not per node.
/// </summary>
internal interface IRateWindowStore
{
    /// <summary>Counts one event for <paramref name="key"/> in the window <paramref name="window"/> (e.g. the minute); returns the count so far.</summary>
    ValueTask<long> IncrementAsync(string key, long window, TimeSpan lifetime, CancellationToken cancellationToken);
}
