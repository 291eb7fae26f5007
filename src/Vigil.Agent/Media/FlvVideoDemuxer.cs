using System.Buffers.Binary;

namespace Vigil.Agent.Media;

/// <summary>
/// Turns FLV video tags with H.264 (codec id 7, FLV spec Annex E.4.3.1) into Annex-B access units:
/// the NAL units of each sample get start codes, and every IDR gets the parameter sets of the last
/// sequence header in front of it unless it carries its own, so each keyframe is self-sufficient.
/// </summary>
internal sealed class FlvVideoDemuxer(int generation)
{
    private static readonly byte[] StartCode = [0, 0, 0, 1];
    private AvcDecoderConfiguration? _configuration;
    private long _lastTimestamp = -1;
    private long _wraps;

    /// <summary>The last sequence header's parameter sets (null until one arrived).</summary>
    public AvcDecoderConfiguration? Configuration => _configuration;

    /// <summary>Handles one tag; returns the access unit it carries, or null (audio, script data, sequence header, end of sequence, empty sample).</summary>
    /// <exception cref="MediaFormatException">The video is not H.264, or the tag is malformed.</exception>
    public MediaFrame? Push(FlvTag tag)
    {
        if (tag.Type != FlvTag.Video)
        {
            return null;
        }

        var body = tag.Body.Span;
        if (body.Length < 1)
        {
            throw new MediaFormatException("an empty FLV video tag");
        }

        // Enhanced RTMP/FLV sets the top bit and names the codec with a FourCC (hvc1, av01, vp09).
        if ((body[0] & 0x80) != 0)
        {
            var fourCc = body.Length >= 5 ? System.Text.Encoding.ASCII.GetString(body.Slice(1, 4)) : "?";
            throw new MediaFormatException($"the video is {CodecName(fourCc)}, not H.264");
        }

        var codec = body[0] & 0x0F;
        if (codec != 7)
        {
            throw new MediaFormatException($"the video is {CodecName(codec)}, not H.264");
        }

        if (body.Length < 5)
        {
            throw new MediaFormatException("a truncated FLV AVC video tag");
        }

        var packetType = body[1];
        // SI24 composition time offset: pts = dts + cts (zero without B-frames).
        var composition = (body[2] << 16) | (body[3] << 8) | body[4];
        if ((composition & 0x800000) != 0)
        {
            composition -= 1 << 24;
        }

        var payload = body[5..];
        switch (packetType)
        {
            case 0:
                if (!AvcDecoderConfiguration.TryParse(payload, out var configuration))
                {
                    throw new MediaFormatException("the H.264 sequence header (AVCDecoderConfigurationRecord) is malformed");
                }

                _configuration = configuration;
                return null;
            case 1:
                return Sample(payload, Unwrap(tag.TimestampMilliseconds) + composition);
            default:
                return null; // 2: end of sequence
        }
    }

    private MediaFrame? Sample(ReadOnlySpan<byte> payload, long milliseconds)
    {
        var configuration = _configuration ?? throw new MediaFormatException("an H.264 sample came before its sequence header");
        var lengthSize = configuration.NalLengthSize;
        var output = new List<byte>(payload.Length + 64);
        var keyframe = false;
        var hasSps = false;
        var hasVcl = false;
        var at = 0;
        while (at < payload.Length)
        {
            if (at + lengthSize > payload.Length)
            {
                throw new MediaFormatException("a truncated NAL unit length in an H.264 sample");
            }

            var length = lengthSize switch
            {
                1 => payload[at],
                2 => BinaryPrimitives.ReadUInt16BigEndian(payload[at..]),
                _ => (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(payload[at..]), int.MaxValue),
            };
            at += lengthSize;
            if (length == 0 || length > payload.Length - at)
            {
                throw new MediaFormatException("a NAL unit runs past the end of its H.264 sample");
            }

            var nal = payload.Slice(at, length);
            at += length;
            var type = nal[0] & 0x1F;
            keyframe |= type == 5;
            hasSps |= type == 7;
            hasVcl |= type is >= 1 and <= 5;
            output.AddRange(StartCode);
            output.AddRange(nal);
        }

        if (!hasVcl)
        {
            return null;
        }

        var bytes = output.ToArray();
        if (keyframe && !hasSps)
        {
            var prefix = new List<byte>();
            foreach (var set in configuration.Sps.Concat(configuration.Pps))
            {
                prefix.AddRange(StartCode);
                prefix.AddRange(set);
            }

            bytes = [.. prefix, .. bytes];
        }

        return new MediaFrame(bytes, TimeSpan.FromMilliseconds(Math.Max(0, milliseconds)), keyframe, generation);
    }

    /// FLV timestamps are 32-bit milliseconds and wrap after 49.7 days of streaming.
    private long Unwrap(uint timestamp)
    {
        var value = timestamp + (_wraps << 32);
        if (_lastTimestamp >= 0 && value < _lastTimestamp - (1L << 31))
        {
            _wraps++;
            value += 1L << 32;
        }

        _lastTimestamp = value;
        return value;
    }

    private static string CodecName(int id) => id switch
    {
        2 => "Sorenson H.263",
        3 => "Screen Video",
        4 => "VP6",
        5 => "VP6 with alpha",
        6 => "Screen Video 2",
        12 => "H.265/HEVC",
        _ => $"codec {id}",
    };

    private static string CodecName(string fourCc) => fourCc switch
    {
        "hvc1" => "H.265/HEVC",
        "av01" => "AV1",
        "vp09" => "VP9",
        _ => $"'{fourCc}'",
    };
}
