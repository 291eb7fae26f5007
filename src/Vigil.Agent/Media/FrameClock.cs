namespace Vigil.Agent.Media;

/// <summary>
/// Timestamps for pictures that arrive without one (raw pictures from ffmpeg): the arrival time, snapped
/// to the nominal frame interval while it stays within half an interval of it. Regular steps keep
/// Chromium's playout delay low (pion/webrtc #2427); following the arrival time beyond that keeps the
/// clock honest when the camera runs slower or faster than it said.
/// </summary>
internal sealed class FrameClock(double framesPerSecond, TimeProvider time)
{
    private readonly TimeSpan _interval = TimeSpan.FromSeconds(1 / framesPerSecond);
    private long _start;
    private TimeSpan? _last;

    public TimeSpan Next()
    {
        if (_last is not { } last)
        {
            _start = time.GetTimestamp();
            _last = TimeSpan.Zero;
            return TimeSpan.Zero;
        }

        var arrival = time.GetElapsedTime(_start);
        var expected = last + _interval;
        var next = (arrival - expected).Duration() <= _interval / 2 ? expected : arrival;
        if (next <= last)
        {
            next = last + TimeSpan.FromMilliseconds(1);
        }

        _last = next;
        return next;
    }
}
