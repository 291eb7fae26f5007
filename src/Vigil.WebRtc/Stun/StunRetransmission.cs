namespace Vigil.WebRtc.Stun;

/// What a client transaction wants at a given moment.
internal enum StunRetransmitDecision
{
    Wait,
    Retransmit,
    TimedOut,
}

/// Retransmission schedule of a STUN request over UDP (RFC 8489 §6.2.1): the first RTO (≥ 500 ms)
/// doubles after every send, at most Rc requests go out, and the transaction fails Rm·RTO after
/// the last one. With the defaults (500 ms, Rc = 7, Rm = 16) requests leave at 0, 0.5, 1.5, 3.5,
/// 7.5, 15.5 and 31.5 s and the transaction times out at 39.5 s.
internal sealed class StunRetransmission(TimeSpan initialRto, int maxRequests = 7, int lastWaitMultiplier = 16)
{
    private TimeSpan _rto;

    public int RequestsSent { get; private set; }

    public TimeSpan Deadline { get; private set; } = TimeSpan.MaxValue;

    /// Call when the first copy of the request goes out.
    public void Start(TimeSpan now)
    {
        RequestsSent = 1;
        _rto = initialRto;
        Deadline = now + (maxRequests == 1 ? initialRto * lastWaitMultiplier : initialRto);
    }

    public StunRetransmitDecision Poll(TimeSpan now)
    {
        if (RequestsSent == 0 || now < Deadline)
        {
            return StunRetransmitDecision.Wait;
        }

        if (RequestsSent >= maxRequests)
        {
            Deadline = TimeSpan.MaxValue;
            return StunRetransmitDecision.TimedOut;
        }

        RequestsSent++;
        _rto *= 2;
        // Advance from the previous deadline, not from `now`, so late polling does not stretch the schedule.
        Deadline += RequestsSent == maxRequests ? initialRto * lastWaitMultiplier : _rto;
        return StunRetransmitDecision.Retransmit;
    }
}
