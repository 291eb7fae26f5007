namespace Vigil.Agent.Streaming;

/// <summary>
/// One viewer's media clock. The cached GOP a viewer joins with is already in the past, so it is sent
/// at once with timestamps squeezed to <see cref="CatchUpStep"/> apart: the browser decodes it straight
/// away and is at live when the first live frame arrives (with the source's own spacing again). Sent with
/// their original timestamps, the browser would play the GOP in real time and stay that far behind live.
/// Timestamps only rise, also across a restart of the source (whose clock starts again near zero).
/// </summary>
internal sealed class ViewerTimeline
{
    public static readonly TimeSpan CatchUpStep = TimeSpan.FromMilliseconds(1);

    private static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(33);
    private TimeSpan _offset;
    private TimeSpan? _last;
    private TimeSpan? _lastSource;
    private TimeSpan _interval = DefaultInterval;
    private int _generation = -1;

    /// <summary>Timestamps for the catch-up frames (the first at zero), and the offset that continues from the last of them.</summary>
    public IReadOnlyList<TimeSpan> StartWith(IReadOnlyList<Media.MediaFrame> catchUp)
    {
        var result = new TimeSpan[catchUp.Count];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = CatchUpStep * i;
        }

        if (catchUp.Count > 0)
        {
            var last = catchUp[^1];
            _generation = last.Generation;
            _offset = result[^1] - last.Timestamp;
            _last = result[^1];
            _lastSource = last.Timestamp;
        }

        return result;
    }

    /// <summary>The viewer's timestamp for a live frame.</summary>
    public TimeSpan Next(Media.MediaFrame frame)
    {
        if (_last is not { } last)
        {
            _generation = frame.Generation;
            _offset = -frame.Timestamp;
            _last = TimeSpan.Zero;
            _lastSource = frame.Timestamp;
            return TimeSpan.Zero;
        }

        if (frame.Generation != _generation)
        {
            // A new run of the source: continue one frame interval after the last frame sent.
            _generation = frame.Generation;
            _offset = last + _interval - frame.Timestamp;
        }
        else if (_lastSource is { } previous && frame.Timestamp > previous)
        {
            var step = frame.Timestamp - previous;
            if (step < TimeSpan.FromSeconds(1))
            {
                _interval = step;
            }
        }

        _lastSource = frame.Timestamp;
        var next = frame.Timestamp + _offset;
        if (next <= last)
        {
            next = last + CatchUpStep;
        }

        _last = next;
        return next;
    }
}
