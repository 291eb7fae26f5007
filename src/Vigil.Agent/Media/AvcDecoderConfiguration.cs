namespace Vigil.Agent.Media;

/// <summary>
/// The AVCDecoderConfigurationRecord (ISO/IEC 14496-15 §5.3.3.1) that FLV and MP4 carry instead of
/// in-band parameter sets: the NAL length size and the SPS and PPS NAL units.
/// </summary>
internal sealed class AvcDecoderConfiguration
{
    private AvcDecoderConfiguration(int nalLengthSize, IReadOnlyList<byte[]> sps, IReadOnlyList<byte[]> pps)
    {
        NalLengthSize = nalLengthSize;
        Sps = sps;
        Pps = pps;
    }

    /// <summary>Bytes in front of each NAL unit of a sample: 1, 2 or 4.</summary>
    public int NalLengthSize { get; }

    public IReadOnlyList<byte[]> Sps { get; }

    public IReadOnlyList<byte[]> Pps { get; }

    /// <summary>Parses the record; false when it is truncated or not version 1.</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, out AvcDecoderConfiguration? configuration)
    {
        configuration = null;
        // version, profile, compatibility, level, 6 bits reserved + lengthSizeMinusOne, 3 bits reserved + numOfSPS
        if (data.Length < 6 || data[0] != 1)
        {
            return false;
        }

        var lengthSize = (data[4] & 0x03) + 1;
        if (lengthSize == 3)
        {
            return false;
        }

        var at = 5;
        if (!TryReadSets(data, ref at, data[at++] & 0x1F, out var sps) || at >= data.Length || !TryReadSets(data, ref at, data[at++], out var pps))
        {
            return false;
        }

        // A High-profile record may continue with chroma format and SPS extensions; they are not needed here.
        configuration = new AvcDecoderConfiguration(lengthSize, sps, pps);
        return true;
    }

    private static bool TryReadSets(ReadOnlySpan<byte> data, ref int at, int count, out List<byte[]> sets)
    {
        sets = new List<byte[]>(count);
        for (var i = 0; i < count; i++)
        {
            if (at + 2 > data.Length)
            {
                return false;
            }

            var length = (data[at] << 8) | data[at + 1];
            at += 2;
            if (length == 0 || at + length > data.Length)
            {
                return false;
            }

            sets.Add(data.Slice(at, length).ToArray());
            at += length;
        }

        return true;
    }
}
