using System.Buffers;
using Vigil.Agent.Media;

namespace Vigil.Agent.Tests.Media;

/// <summary>Runs the agent's FLV reader and H.264 demuxer over bytes in memory, as the stream reader does over a pipe.</summary>
internal static class FlvParsing
{
    public static List<MediaFrame> Frames(byte[] flv, int generation = 1)
    {
        var buffer = new ReadOnlySequence<byte>(flv);
        var frames = new List<MediaFrame>();
        if (!FlvReader.TryReadHeader(ref buffer))
        {
            return frames;
        }

        var demuxer = new FlvVideoDemuxer(generation);
        while (FlvReader.TryReadTag(ref buffer, out var tag))
        {
            if (demuxer.Push(tag) is { } frame)
            {
                frames.Add(frame);
            }
        }

        return frames;
    }
}
