using System.IO.Pipelines;
using System.Runtime.CompilerServices;

namespace Vigil.Agent.Media;

/// <summary>Reads an FLV byte stream (an ffmpeg child's stdout) and yields its H.264 access units as they complete.</summary>
internal static class FlvStreamReader
{
    /// <exception cref="MediaFormatException">Not FLV, not H.264, or damaged.</exception>
    public static async IAsyncEnumerable<MediaFrame> ReadAsync(Stream stream, FlvVideoDemuxer demuxer, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, leaveOpen: true));
        var headerRead = false;
        var frames = new List<MediaFrame>();
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(cancellationToken);
                var buffer = result.Buffer;
                if (!headerRead)
                {
                    headerRead = FlvReader.TryReadHeader(ref buffer);
                }

                while (headerRead && FlvReader.TryReadTag(ref buffer, out var tag))
                {
                    if (demuxer.Push(tag) is { } frame)
                    {
                        frames.Add(frame);
                    }
                }

                reader.AdvanceTo(buffer.Start, buffer.End);
                foreach (var frame in frames)
                {
                    yield return frame;
                }

                frames.Clear();
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
}
