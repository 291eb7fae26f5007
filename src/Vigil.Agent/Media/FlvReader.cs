using System.Buffers;
using System.Buffers.Binary;

namespace Vigil.Agent.Media;

/// <summary>
/// Splits an FLV byte stream (ffmpeg's <c>-f flv pipe:1</c>) into tags. ffmpeg writes one tag per
/// packet and flushes it, so a tag is complete the moment its last byte arrives: unlike a raw Annex-B
/// stream, no frame waits for the start of the next one, and the timestamps travel with the frames.
/// </summary>
/// <remarks>
/// Layout (Adobe FLV spec 10.1, Annex E.2–E.4): a 9-byte header <c>"FLV" version flags offset</c>, then
/// <c>PreviousTagSize0</c> (4 bytes), then tags: type (1), DataSize (3), Timestamp (3) + TimestampExtended
/// (1, the upper 8 bits), StreamID (3, always 0), the body, and its PreviousTagSize (4).
/// Untrusted input: the parser returns false when more bytes are needed and throws only
/// <see cref="MediaFormatException"/>.
/// </remarks>
internal static class FlvReader
{
    public const int HeaderLength = 9;
    public const int TagHeaderLength = 11;

    /// <summary>The largest tag body accepted (the format allows 16 MiB; a video frame this big is not a camera's).</summary>
    public const int MaxBodyLength = 8 * 1024 * 1024;

    /// <summary>Consumes the file header and PreviousTagSize0.</summary>
    public static bool TryReadHeader(ref ReadOnlySequence<byte> buffer)
    {
        if (buffer.Length < HeaderLength + 4)
        {
            return false;
        }

        Span<byte> header = stackalloc byte[HeaderLength];
        buffer.Slice(0, HeaderLength).CopyTo(header);
        if (header[0] != 'F' || header[1] != 'L' || header[2] != 'V')
        {
            throw new MediaFormatException("the source did not send FLV (ffmpeg wrote something else to its output)");
        }

        // E.2: DataOffset is the header's own length (9 for version 1); more would be an extension we skip.
        var offset = BinaryPrimitives.ReadUInt32BigEndian(header[5..]);
        if (offset < HeaderLength || offset > 1024)
        {
            throw new MediaFormatException($"FLV header length {offset} is invalid");
        }

        if (buffer.Length < offset + 4)
        {
            return false;
        }

        buffer = buffer.Slice(offset + 4);
        return true;
    }

    /// <summary>Reads the next tag, when it is complete, and consumes it (with its PreviousTagSize).</summary>
    public static bool TryReadTag(ref ReadOnlySequence<byte> buffer, out FlvTag tag)
    {
        tag = default;
        if (buffer.Length < TagHeaderLength)
        {
            return false;
        }

        Span<byte> header = stackalloc byte[TagHeaderLength];
        buffer.Slice(0, TagHeaderLength).CopyTo(header);
        // E.4.1: the low 5 bits are the type; bit 5 (Filter) marks encrypted tags, which ffmpeg never writes.
        var type = (byte)(header[0] & 0x1F);
        if ((header[0] & 0xE0) != 0)
        {
            throw new MediaFormatException("encrypted or reserved FLV tag flags are not supported");
        }

        var length = (header[1] << 16) | (header[2] << 8) | header[3];
        if (length > MaxBodyLength)
        {
            throw new MediaFormatException($"an FLV tag of {length} bytes is larger than the {MaxBodyLength} bytes accepted");
        }

        var timestamp = (uint)((header[7] << 24) | (header[4] << 16) | (header[5] << 8) | header[6]);
        if (buffer.Length < TagHeaderLength + length + 4)
        {
            return false;
        }

        var body = buffer.Slice(TagHeaderLength, length).ToArray();
        Span<byte> previous = stackalloc byte[4];
        buffer.Slice(TagHeaderLength + length, 4).CopyTo(previous);
        if (BinaryPrimitives.ReadUInt32BigEndian(previous) != (uint)(TagHeaderLength + length))
        {
            throw new MediaFormatException("FLV PreviousTagSize does not match the tag: the stream is damaged");
        }

        buffer = buffer.Slice(TagHeaderLength + length + 4);
        tag = new FlvTag(type, timestamp, body);
        return true;
    }
}
