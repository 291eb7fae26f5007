namespace Vigil.WebRtc.H264;

/// nal_unit_type values (ITU-T H.264 Table 7-1) and the RTP payload types of RFC 6184 §5.2.
internal static class H264NalUnitType
{
    public const int Slice = 1;
    public const int SliceDataA = 2;
    public const int Idr = 5;
    public const int Sei = 6;
    public const int Sps = 7;
    public const int Pps = 8;
    public const int AccessUnitDelimiter = 9;
    public const int EndOfSequence = 10;
    public const int EndOfStream = 11;
    public const int Filler = 12;
    public const int StapA = 24;
    public const int FuA = 28;

    public static int Of(ReadOnlySpan<byte> nal) => nal.IsEmpty ? -1 : nal[0] & 0x1F;

    /// Video coding layer NAL units (slices), H.264 §7.4.1.2.3.
    public static bool IsVcl(int type) => type is >= 1 and <= 5;
}
