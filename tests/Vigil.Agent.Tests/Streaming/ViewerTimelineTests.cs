using Vigil.Agent.Media;
using Vigil.Agent.Streaming;

namespace Vigil.Agent.Tests.Streaming;

public sealed class ViewerTimelineTests
{
    private static MediaFrame Frame(double ms, bool key = false, int generation = 1) => new(new byte[1], TimeSpan.FromMilliseconds(ms), key, generation);

    [Fact]
    public void The_cached_gop_is_squeezed_to_one_millisecond_steps_and_live_frames_keep_the_sources_spacing_after_it()
    {
        var timeline = new ViewerTimeline();
        var catchUp = new[] { Frame(4000, key: true), Frame(4033), Frame(4066), Frame(4100) };

        var stamps = timeline.StartWith(catchUp);

        Assert.Equal([0, 1, 2, 3], stamps.Select(s => s.TotalMilliseconds));
        Assert.Equal(36, timeline.Next(Frame(4133)).TotalMilliseconds, precision: 6);
        Assert.Equal(69, timeline.Next(Frame(4166)).TotalMilliseconds, precision: 6);
    }

    [Fact]
    public void Timestamps_keep_rising_across_a_restart_of_the_source_and_never_go_back()
    {
        var timeline = new ViewerTimeline();
        Assert.Equal(TimeSpan.Zero, timeline.Next(Frame(500, key: true)));
        Assert.Equal(40, timeline.Next(Frame(540)).TotalMilliseconds, precision: 6);

        // The source restarted: its clock is back near zero.
        var after = timeline.Next(Frame(0, key: true, generation: 2));
        Assert.Equal(80, after.TotalMilliseconds, precision: 6);
        Assert.Equal(120, timeline.Next(Frame(40, generation: 2)).TotalMilliseconds, precision: 6);

        // A source timestamp that goes back (a camera bug) still yields a later timestamp.
        Assert.True(timeline.Next(Frame(10, generation: 2)) > TimeSpan.FromMilliseconds(120));
    }
}
