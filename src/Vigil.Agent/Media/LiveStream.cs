using Vigil.WebRtc;
using Vigil.WebRtc.H264;

namespace Vigil.Agent.Media;

/// <summary>
/// Where the source's frames meet the viewers: every frame goes into the GOP cache and to each
/// subscribed viewer. A new subscriber receives the cached GOP and then the live frames, atomically
/// (no frame missed or doubled between the two). One source feeds all viewers.
/// </summary>
internal sealed class LiveStream(long gopCacheBytes)
{
    private readonly Lock _gate = new();
    private readonly GopCache _cache = new(gopCacheBytes);
    private readonly List<FrameSubscription> _subscribers = [];
    private readonly TaskCompletionSource<H264Profile> _profileKnown = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Action<KeyframeRequestReason>? _keyframeRequester;
    private long _frames;
    private long _keyframes;

    /// <summary>The H.264 profile of the last keyframe's SPS, once one was published.</summary>
    public H264Profile? Profile { get; private set; }

    public long FramesPublished => Interlocked.Read(ref _frames);

    public long KeyframesPublished => Interlocked.Read(ref _keyframes);

    public int SubscriberCount
    {
        get
        {
            lock (_gate)
            {
                return _subscribers.Count;
            }
        }
    }

    public long CachedBytes
    {
        get
        {
            lock (_gate)
            {
                return _cache.Bytes;
            }
        }
    }

    /// <summary>Who makes a keyframe on demand: the encoder of a source the agent encodes; null for copied sources.</summary>
    public void SetKeyframeRequester(Action<KeyframeRequestReason>? requester) => Volatile.Write(ref _keyframeRequester, requester);

    /// <summary>Asks the source for a keyframe; true when someone could act on it.</summary>
    public bool RequestKeyframe(KeyframeRequestReason reason)
    {
        var requester = Volatile.Read(ref _keyframeRequester);
        requester?.Invoke(reason);
        return requester is not null;
    }

    /// <summary>A new run of the source begins: what is cached belongs to the old one.</summary>
    public void BeginGeneration()
    {
        lock (_gate)
        {
            _cache.Clear();
        }
    }

    public void Publish(MediaFrame frame)
    {
        Interlocked.Increment(ref _frames);
        if (frame.IsKeyframe)
        {
            Interlocked.Increment(ref _keyframes);
            if (new H264AccessUnit(frame.AnnexB).Profile is { } profile)
            {
                Profile = profile;
                _profileKnown.TrySetResult(profile);
            }
        }

        lock (_gate)
        {
            _cache.Add(frame);
            foreach (var subscriber in _subscribers)
            {
                subscriber.Offer(frame);
            }
        }
    }

    /// <summary>Joins: the cached GOP now, the live frames after it.</summary>
    public FrameSubscription Subscribe(int capacity)
    {
        lock (_gate)
        {
            var subscription = new FrameSubscription(_cache.Snapshot(), capacity);
            _subscribers.Add(subscription);
            return subscription;
        }
    }

    public void Unsubscribe(FrameSubscription subscription)
    {
        lock (_gate)
        {
            _subscribers.Remove(subscription);
        }

        subscription.Complete();
    }

    /// <summary>The stream's profile, waiting up to <paramref name="timeout"/> for a first keyframe; null if none came.</summary>
    public async Task<H264Profile?> WaitForProfileAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        if (Profile is { } known)
        {
            return known;
        }

        try
        {
            return await _profileKnown.Task.WaitAsync(timeout, time, cancellationToken);
        }
        catch (TimeoutException)
        {
            return null;
        }
    }
}
