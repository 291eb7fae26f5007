using Microsoft.Extensions.Time.Testing;
using Vigil.Agent.Media;

namespace Vigil.Agent.Tests.Media;

public sealed class FrameClockTests
{
    [Fact]
    public void Arrivals_near_the_frame_interval_are_snapped_to_it_and_a_late_one_follows_the_arrival()
    {
        var time = new FakeTimeProvider();
        var clock = new FrameClock(25, time);

        Assert.Equal(TimeSpan.Zero, clock.Next());
        time.Advance(TimeSpan.FromMilliseconds(47));
        Assert.Equal(40, clock.Next().TotalMilliseconds, precision: 6); // 7 ms of jitter: on the grid
        time.Advance(TimeSpan.FromMilliseconds(30));
        Assert.Equal(80, clock.Next().TotalMilliseconds, precision: 6); // arrived at 77
        time.Advance(TimeSpan.FromMilliseconds(200));
        Assert.Equal(277, clock.Next().TotalMilliseconds, precision: 6); // a gap: the arrival time
        time.Advance(TimeSpan.FromMilliseconds(41));
        Assert.Equal(317, clock.Next().TotalMilliseconds, precision: 6);
    }
}
