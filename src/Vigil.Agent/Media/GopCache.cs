namespace Vigil.Agent.Media;

/// <summary>
/// The current group of pictures: the last keyframe and every frame since. A viewer that joins gets
/// these at once and can decode without waiting for the source's next keyframe, however long the
/// camera's keyframe interval. Memory is bounded: a GOP that outgrows <c>maxBytes</c> is dropped
/// (viewers that join before the next keyframe then wait for it). Not thread-safe (its owner locks).
/// </summary>
internal sealed class GopCache(long maxBytes)
{
    private readonly List<MediaFrame> _frames = [];
    private long _bytes;

    public long Bytes => _bytes;

    public int Count => _frames.Count;

    /// <summary>True after the cache overflowed, until the next keyframe.</summary>
    public bool Overflowed { get; private set; }

    public void Add(MediaFrame frame)
    {
        if (frame.IsKeyframe)
        {
            Clear();
        }
        else if (_frames.Count == 0)
        {
            return; // nothing to decode it against
        }

        if (_bytes + frame.Length > maxBytes)
        {
            Clear();
            Overflowed = true;
            return;
        }

        _frames.Add(frame);
        _bytes += frame.Length;
    }

    /// <summary>A copy of the frames, keyframe first (empty when there is no usable GOP).</summary>
    public MediaFrame[] Snapshot() => [.. _frames];

    public void Clear()
    {
        _frames.Clear();
        _bytes = 0;
        Overflowed = false;
    }
}
