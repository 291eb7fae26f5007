namespace Vigil.WebRtc.H264;

/// Groups a stream of NAL units into access units (H.264 §7.4.1.2.3, simplified to what encoders
/// emit): an access unit delimiter starts a new one; so does an SPS/PPS/SEI/AUD, or a slice with
/// first_mb_in_slice = 0, once the current unit already holds a slice. Multi-slice pictures
/// (x264 zerolatency uses several) stay together because their later slices have first_mb > 0.
internal sealed class H264AccessUnitAssembler
{
    private readonly List<byte> _current = [];
    private bool _hasVcl;

    /// Adds one NAL unit (no start code); returns the finished previous access unit when this NAL
    /// begins a new one.
    public H264AccessUnit? Push(ReadOnlySpan<byte> nal)
    {
        if (nal.IsEmpty)
        {
            return null;
        }

        var type = H264NalUnitType.Of(nal);
        H264AccessUnit? finished = null;
        if (_hasVcl && StartsNewAccessUnit(type, nal))
        {
            finished = Flush();
        }

        _current.AddRange([0, 0, 0, 1]);
        _current.AddRange(nal);
        _hasVcl |= H264NalUnitType.IsVcl(type);
        return finished;
    }

    /// Returns whatever is pending (end of stream), or null.
    public H264AccessUnit? Flush()
    {
        if (_current.Count == 0)
        {
            return null;
        }

        var unit = new H264AccessUnit(_current.ToArray());
        _current.Clear();
        _hasVcl = false;
        return unit;
    }

    private static bool StartsNewAccessUnit(int type, ReadOnlySpan<byte> nal) =>
        type is H264NalUnitType.AccessUnitDelimiter or H264NalUnitType.Sps or H264NalUnitType.Pps or H264NalUnitType.Sei
            or (>= 14 and <= 18)
        // first_mb_in_slice is the first ue(v) of the slice header; it is 0 exactly when its first bit is 1.
        || (H264NalUnitType.IsVcl(type) && nal.Length > 1 && (nal[1] & 0x80) != 0);
}
