namespace Vigil.WebRtc.H264;

/// Byte-stream format of H.264 Annex B: NAL units separated by start codes 00 00 01 or
/// 00 00 00 01. Emulation-prevention bytes stay in place (the RTP payload carries the NAL unit
/// as it is); trailing_zero_8bits after a NAL unit are removed (B.1.1).
internal static class AnnexB
{
    /// Index of the first 00 00 01 at or after <paramref name="from"/>, or -1.
    public static int IndexOfStartCode(ReadOnlySpan<byte> data, int from)
    {
        if (from >= data.Length)
        {
            return -1;
        }

        var found = data[from..].IndexOf(StartCode);
        return found < 0 ? -1 : from + found;
    }

    private static ReadOnlySpan<byte> StartCode => [0, 0, 1];

    /// Splits a buffer into NAL units (without start codes). Bytes before the first start code are ignored.
    public static List<ReadOnlyMemory<byte>> Split(ReadOnlyMemory<byte> data)
    {
        var result = new List<ReadOnlyMemory<byte>>();
        Split(data, result);
        return result;
    }

    /// Splits into a caller-owned list (appended to), so a sender can reuse it per frame.
    public static void Split(ReadOnlyMemory<byte> data, List<ReadOnlyMemory<byte>> result)
    {
        var span = data.Span;
        var start = IndexOfStartCode(span, 0);
        while (start >= 0)
        {
            var nalStart = start + 3;
            var next = IndexOfStartCode(span, nalStart);
            var nalEnd = next < 0 ? span.Length : next;
            var trimmed = TrimTrailingZeros(span[nalStart..nalEnd]);
            if (trimmed > 0)
            {
                result.Add(data.Slice(nalStart, trimmed));
            }

            start = next;
        }
    }

    /// Length of <paramref name="nal"/> without its trailing zero bytes.
    public static int TrimTrailingZeros(ReadOnlySpan<byte> nal) => nal.LastIndexOfAnyExcept((byte)0) + 1;
}
