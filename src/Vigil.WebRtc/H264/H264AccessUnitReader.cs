using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;

namespace Vigil.WebRtc.H264;

/// <summary>
/// Splits an H.264 Annex-B byte stream (for example ffmpeg's <c>-f h264 pipe:1</c>) into access units.
/// </summary>
/// <remarks>
/// A NAL unit ends where the next start code begins, and an access unit ends where the next one's
/// first NAL unit (usually an access unit delimiter, with x264 <c>aud=1</c>) appears, so a unit is
/// yielded when the following one starts: one frame of latency on a live pipe. The last unit is
/// yielded at end of stream.
/// </remarks>
public static class H264AccessUnitReader
{
    private const int MaxNalUnitLength = 8 * 1024 * 1024;

    /// <summary>Reads access units until the stream ends or <paramref name="cancellationToken"/> fires.</summary>
    /// <param name="stream">An Annex-B byte stream.</param>
    /// <param name="cancellationToken">Stops reading.</param>
    /// <exception cref="InvalidDataException">A NAL unit is larger than 8 MiB (not an H.264 stream).</exception>
    public static async IAsyncEnumerable<H264AccessUnit> ReadAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, leaveOpen: true));
        var assembler = new H264AccessUnitAssembler();
        var pending = new List<H264AccessUnit>();
        long searchedUpTo = 0; // bytes after the current NAL start already scanned for a start code
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(cancellationToken);
                var buffer = result.Buffer;
                var consumed = ExtractNalUnits(buffer, result.IsCompleted, assembler, pending, ref searchedUpTo);
                if (result.IsCompleted)
                {
                    if (assembler.Flush() is { } last)
                    {
                        pending.Add(last);
                    }
                }

                reader.AdvanceTo(consumed, buffer.End);
                foreach (var unit in pending)
                {
                    yield return unit;
                }

                pending.Clear();
                if (result.IsCompleted)
                {
                    yield break;
                }
            }
        }
        finally
        {
            await reader.CompleteAsync();
        }
    }

    /// Finds complete NAL units in the buffer (one start code to the next), feeds them to the
    /// assembler and returns the position up to which the buffer is consumed (the start code of
    /// the NAL unit still being received).
    private static SequencePosition ExtractNalUnits(
        ReadOnlySequence<byte> buffer, bool completed, H264AccessUnitAssembler assembler, List<H264AccessUnit> output, ref long searchedUpTo)
    {
        var first = IndexOfStartCode(buffer, 0);
        if (first < 0)
        {
            // No start code yet: keep the last two bytes (they may begin one).
            searchedUpTo = 0;
            return completed || buffer.Length < 3 ? (completed ? buffer.End : buffer.Start) : buffer.GetPosition(buffer.Length - 2);
        }

        var nalStart = first + 3;
        while (true)
        {
            var next = IndexOfStartCode(buffer, Math.Max(nalStart, nalStart + searchedUpTo - 2));
            if (next < 0)
            {
                if (completed)
                {
                    Emit(buffer.Slice(nalStart), assembler, output);
                    searchedUpTo = 0;
                    return buffer.End;
                }

                if (buffer.Length - nalStart > MaxNalUnitLength)
                {
                    throw new InvalidDataException("H.264 NAL unit larger than 8 MiB: not an Annex-B stream?");
                }

                searchedUpTo = buffer.Length - nalStart;
                return buffer.GetPosition(nalStart - 3);
            }

            Emit(buffer.Slice(nalStart, next - nalStart), assembler, output);
            searchedUpTo = 0;
            nalStart = next + 3;
        }
    }

    private static void Emit(ReadOnlySequence<byte> nal, H264AccessUnitAssembler assembler, List<H264AccessUnit> output)
    {
        var bytes = nal.IsSingleSegment ? nal.FirstSpan : nal.ToArray();
        bytes = bytes[..AnnexB.TrimTrailingZeros(bytes)];
        if (assembler.Push(bytes) is { } unit)
        {
            output.Add(unit);
        }
    }

    private static long IndexOfStartCode(ReadOnlySequence<byte> buffer, long from)
    {
        if (buffer.IsSingleSegment)
        {
            return AnnexB.IndexOfStartCode(buffer.FirstSpan, (int)from);
        }

        var reader = new SequenceReader<byte>(buffer.Slice(from));
        Span<byte> pair = stackalloc byte[2];
        while (reader.TryAdvanceTo(1, advancePastDelimiter: true))
        {
            var one = reader.Consumed - 1;
            if (one >= 2)
            {
                var index = from + one;
                var zeros = buffer.Slice(index - 2, 2);
                zeros.CopyTo(pair);
                if (pair[0] == 0 && pair[1] == 0)
                {
                    return index - 2;
                }
            }
        }

        return -1;
    }
}
