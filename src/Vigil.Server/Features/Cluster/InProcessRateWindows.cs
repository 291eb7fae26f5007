using System.Collections.Concurrent;

namespace Vigil.Server.Features.Cluster;

/// <summary>The counters of one node, in memory: old windows are dropped once there are many.</summary>
internal sealed class InProcessRateWindows : IRateWindowStore
{
    private const int PurgeThreshold = 10_000;
    private readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);

    public ValueTask<RateWindowCount> IncrementAsync(string key, long window, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        if (_windows.Count > PurgeThreshold)
        {
            foreach (var (k, w) in _windows)
            {
                if (w.Number < window - 1)
                {
                    _windows.TryRemove(k, out _);
                }
            }
        }

        var counter = _windows.GetOrAdd(key, _ => new Window());
        lock (counter)
        {
            if (counter.Number != window)
            {
                counter.Previous = counter.Number == window - 1 ? counter.Count : 0;
                counter.Number = window;
                counter.Count = 0;
            }

            return ValueTask.FromResult(new RateWindowCount(++counter.Count, counter.Previous));
        }
    }

    private sealed class Window
    {
        public long Number { get; set; } = -1;

        public long Count { get; set; }

        public long Previous { get; set; }
    }
}
