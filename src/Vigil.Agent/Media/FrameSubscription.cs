using System.Threading.Channels;

namespace Vigil.Agent.Media;

/// <summary>
/// One viewer's view of the live stream: the GOP it joined with (keyframe first), then every frame
/// published after it, in order, none twice. When the viewer falls more than <c>capacity</c> frames
/// behind, the backlog is dropped and delivery resumes at the next keyframe (a gap in the middle of a
/// GOP could not be decoded anyway).
/// </summary>
internal sealed class FrameSubscription
{
    private readonly Channel<MediaFrame> _frames;
    private bool _waitForKeyframe;
    private long _dropped;

    public FrameSubscription(IReadOnlyList<MediaFrame> catchUp, int capacity)
    {
        CatchUp = catchUp;
        _frames = Channel.CreateBounded<MediaFrame>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait, // TryWrite fails when full, which Offer turns into a resync
        });
        _waitForKeyframe = catchUp.Count == 0;
    }

    /// <summary>The frames cached when the viewer joined: the last keyframe and its followers (possibly none).</summary>
    public IReadOnlyList<MediaFrame> CatchUp { get; }

    public ChannelReader<MediaFrame> Frames => _frames.Reader;

    /// <summary>Frames this viewer did not get because it fell behind (or joined between keyframes without a cache).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Called by the stream, under its lock, for every published frame.</summary>
    public void Offer(MediaFrame frame)
    {
        if (_waitForKeyframe && !frame.IsKeyframe)
        {
            Interlocked.Increment(ref _dropped);
            return;
        }

        if (_frames.Writer.TryWrite(frame))
        {
            _waitForKeyframe = false;
            return;
        }

        // Full: drop what is queued and restart at the next keyframe.
        while (_frames.Reader.TryRead(out _))
        {
            Interlocked.Increment(ref _dropped);
        }

        Interlocked.Increment(ref _dropped);
        _waitForKeyframe = true;
    }

    public void Complete() => _frames.Writer.TryComplete();
}
