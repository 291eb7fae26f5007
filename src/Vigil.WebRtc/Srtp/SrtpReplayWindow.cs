namespace Vigil.WebRtc.Srtp;

/// RFC 3711 §3.3.2: a sliding replay window (64 packets, the RFC's minimum) over the packet
/// index. Check before authenticating, update only after the tag verified.
internal sealed class SrtpReplayWindow
{
    private const int Size = 64;
    private ulong _highest;
    private ulong _mask;
    private bool _started;

    public ulong Highest => _highest;

    public bool IsStarted => _started;

    public bool IsAcceptable(ulong index)
    {
        if (!_started || index > _highest)
        {
            return true;
        }

        var delta = _highest - index;
        return delta < Size && (_mask & (1UL << (int)delta)) == 0;
    }

    public void Accept(ulong index)
    {
        if (!_started)
        {
            _started = true;
            _highest = index;
            _mask = 1;
            return;
        }

        if (index > _highest)
        {
            var shift = index - _highest;
            _mask = shift >= Size ? 1 : (_mask << (int)shift) | 1;
            _highest = index;
        }
        else
        {
            var delta = _highest - index;
            if (delta < Size)
            {
                _mask |= 1UL << (int)delta;
            }
        }
    }
}
