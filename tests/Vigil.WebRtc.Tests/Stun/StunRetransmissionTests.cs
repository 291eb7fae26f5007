using Vigil.WebRtc.Stun;

namespace Vigil.WebRtc.Tests.Stun;

public sealed class StunRetransmissionTests
{
    [Fact]
    public void Rfc8489_6_2_1_schedule_doubles_from_500ms_and_times_out_after_39_5_seconds()
    {
        var schedule = new StunRetransmission(TimeSpan.FromMilliseconds(500));
        schedule.Start(TimeSpan.Zero);

        var sends = new List<double> { 0 };
        double? timedOut = null;
        for (var ms = 0; ms <= 45000; ms += 10)
        {
            switch (schedule.Poll(TimeSpan.FromMilliseconds(ms)))
            {
                case StunRetransmitDecision.Retransmit:
                    sends.Add(ms / 1000.0);
                    break;
                case StunRetransmitDecision.TimedOut:
                    timedOut ??= ms / 1000.0;
                    break;
            }
        }

        Assert.Equal([0, 0.5, 1.5, 3.5, 7.5, 15.5, 31.5], sends);
        Assert.Equal(39.5, timedOut);
    }

    [Fact]
    public void Late_polling_does_not_stretch_the_schedule()
    {
        var schedule = new StunRetransmission(TimeSpan.FromMilliseconds(500));
        schedule.Start(TimeSpan.Zero);
        Assert.Equal(StunRetransmitDecision.Retransmit, schedule.Poll(TimeSpan.FromMilliseconds(900)));
        Assert.Equal(TimeSpan.FromMilliseconds(1500), schedule.Deadline);
    }
}
