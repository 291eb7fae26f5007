namespace Vigil.Server.Features.Signaling;

/// <summary>
/// A token bucket on <see cref="TimeProvider"/> timestamps: <c>rate</c> tokens per second, at most
/// <c>capacity</c> saved up. Not thread-safe; each owner takes it under its own lock or from one thread.
/// </summary>
internal sealed class TokenBucket
{
    private readonly TimeProvider _time;
    private readonly double _rate;
    private readonly double _capacity;
    private double _tokens;
    private long _last;

    public TokenBucket(TimeProvider time, double ratePerSecond, double capacity)
    {
        _time = time;
        _rate = ratePerSecond;
        _capacity = capacity;
        _tokens = capacity;
        _last = time.GetTimestamp();
    }

    public bool TryTake()
    {
        var now = _time.GetTimestamp();
        _tokens = Math.Min(_capacity, _tokens + (_time.GetElapsedTime(_last, now).TotalSeconds * _rate));
        _last = now;
        if (_tokens < 1)
        {
            return false;
        }

        _tokens -= 1;
        return true;
    }
}
