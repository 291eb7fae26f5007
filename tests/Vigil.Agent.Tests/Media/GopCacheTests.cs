using Vigil.Agent.Media;

namespace Vigil.Agent.Tests.Media;

public sealed class GopCacheTests
{
    private static MediaFrame Frame(int n, bool key, int bytes = 100, int generation = 1) =>
        new(new byte[bytes], TimeSpan.FromMilliseconds(33 * n), key, generation);

    [Fact]
    public void It_holds_the_last_keyframe_and_what_followed_and_starts_over_at_the_next_keyframe()
    {
        var cache = new GopCache(10_000);
        cache.Add(Frame(0, key: false)); // nothing to decode it against: not kept
        cache.Add(Frame(1, key: true));
        cache.Add(Frame(2, key: false));
        cache.Add(Frame(3, key: false));
        Assert.Equal([1, 2, 3], cache.Snapshot().Select(f => (int)(f.Timestamp.TotalMilliseconds / 33)));

        cache.Add(Frame(4, key: true));
        cache.Add(Frame(5, key: false));
        Assert.Equal([4, 5], cache.Snapshot().Select(f => (int)(f.Timestamp.TotalMilliseconds / 33)));
        Assert.Equal(200, cache.Bytes);
    }

    [Fact]
    public void A_gop_larger_than_the_budget_is_dropped_until_the_next_keyframe()
    {
        var cache = new GopCache(1_000);
        cache.Add(Frame(0, key: true, bytes: 600));
        cache.Add(Frame(1, key: false, bytes: 300));
        cache.Add(Frame(2, key: false, bytes: 300));

        Assert.True(cache.Overflowed);
        Assert.Empty(cache.Snapshot());
        Assert.Equal(0, cache.Bytes);
        cache.Add(Frame(3, key: false));
        Assert.Empty(cache.Snapshot());

        cache.Add(Frame(4, key: true, bytes: 500));
        Assert.False(cache.Overflowed);
        Assert.Single(cache.Snapshot());
    }

    [Fact]
    public void A_subscriber_gets_the_cached_gop_then_every_later_frame_once_and_resyncs_at_a_keyframe_when_it_falls_behind()
    {
        var live = new LiveStream(1_000_000);
        live.Publish(Frame(0, key: true));
        live.Publish(Frame(1, key: false));
        var subscription = live.Subscribe(capacity: 3);
        live.Publish(Frame(2, key: false));

        Assert.Equal([0, 1], subscription.CatchUp.Select(f => (int)(f.Timestamp.TotalMilliseconds / 33)));
        Assert.True(subscription.Frames.TryRead(out var next));
        Assert.Equal(2, (int)(next.Timestamp.TotalMilliseconds / 33));

        // Four frames into a queue of three: the backlog goes, delivery resumes at the next keyframe.
        for (var n = 3; n <= 6; n++)
        {
            live.Publish(Frame(n, key: false));
        }

        live.Publish(Frame(7, key: false));
        live.Publish(Frame(8, key: true));
        live.Publish(Frame(9, key: false));
        var delivered = new List<int>();
        while (subscription.Frames.TryRead(out var frame))
        {
            delivered.Add((int)(frame.Timestamp.TotalMilliseconds / 33));
        }

        Assert.Equal([8, 9], delivered);
        Assert.Equal(5, subscription.Dropped);
        live.Unsubscribe(subscription);
        Assert.Equal(0, live.SubscriberCount);
    }

    [Fact]
    public void A_subscriber_that_joins_without_a_cached_gop_starts_at_the_next_keyframe()
    {
        var live = new LiveStream(1_000_000);
        live.Publish(Frame(0, key: false));
        var subscription = live.Subscribe(capacity: 10);
        live.Publish(Frame(1, key: false));
        live.Publish(Frame(2, key: true));

        Assert.Empty(subscription.CatchUp);
        Assert.True(subscription.Frames.TryRead(out var first));
        Assert.True(first.IsKeyframe);
        Assert.False(subscription.Frames.TryRead(out _));
    }
}
