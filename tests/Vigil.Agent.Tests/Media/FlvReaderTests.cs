using System.Buffers.Binary;
using Vigil.Agent.Media;
using Vigil.Server.Tests.Support;
using Vigil.WebRtc.H264;
using Vigil.WebRtc.Tests;

namespace Vigil.Agent.Tests.Media;

/// <summary>The FLV reader and H.264 demuxer the agent reads every ffmpeg source through: against ffprobe, and against bad input.</summary>
public sealed class FlvReaderTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Frames_timestamps_and_keyframes_match_what_ffprobe_reads()
    {
        using var directory = new TempDirectory("flv");
        var flv = await FlvClip.H264Async(directory.Path, frames: 20, gop: 5, cancellationToken: Ct);
        var expected = await FlvClip.ProbeAsync(flv, directory.Path, Ct);

        var frames = FlvParsing.Frames(flv);

        Assert.Equal(20, expected.Count);
        Assert.Equal(expected.Select(p => p.PtsMilliseconds), frames.Select(f => (long)f.Timestamp.TotalMilliseconds));
        Assert.Equal(expected.Select(p => p.Key), frames.Select(f => f.IsKeyframe));
        Assert.All(frames, f => Assert.Equal(1, f.Generation));
    }

    [Theory]
    [InlineData("baseline", H264Profile.ConstrainedBaseline)]
    [InlineData("main", H264Profile.Main)]
    public async Task Every_keyframe_carries_its_parameter_sets_so_that_it_decodes_alone(string profile, H264Profile expected)
    {
        using var directory = new TempDirectory("flv");
        var frames = FlvParsing.Frames(await FlvClip.H264Async(directory.Path, frames: 12, gop: 4, profile: profile, cancellationToken: Ct));

        var keyframes = frames.Where(f => f.IsKeyframe).ToList();
        Assert.Equal(3, keyframes.Count);
        foreach (var keyframe in keyframes)
        {
            // ffmpeg keeps SPS and PPS in the FLV sequence header only; the demuxer puts them in front.
            var types = NalTypes(keyframe.AnnexB.ToArray());
            Assert.True(types.IndexOf(7) >= 0 && types.IndexOf(7) < types.IndexOf(5), string.Join(",", types));
            Assert.True(types.IndexOf(8) >= 0 && types.IndexOf(8) < types.IndexOf(5), string.Join(",", types));
            Assert.Equal(expected, new H264AccessUnit(keyframe.AnnexB).Profile);
        }

        Assert.All(frames.Where(f => !f.IsKeyframe), f => Assert.DoesNotContain(5, NalTypes(f.AnnexB.ToArray())));
    }

    [Fact]
    public async Task The_stream_reader_yields_the_same_frames_when_the_pipe_delivers_a_few_bytes_at_a_time()
    {
        using var directory = new TempDirectory("flv");
        var flv = await FlvClip.H264Async(directory.Path, cancellationToken: Ct);
        await using var trickle = new TrickleStream(flv, new FuzzRandom(7));

        var frames = new List<MediaFrame>();
        await foreach (var frame in FlvStreamReader.ReadAsync(trickle, new FlvVideoDemuxer(3), Ct))
        {
            frames.Add(frame);
        }

        var whole = FlvParsing.Frames(flv, generation: 3);
        Assert.Equal(whole.Count, frames.Count);
        Assert.Equal(whole.Select(f => f.AnnexB.ToArray()), frames.Select(f => f.AnnexB.ToArray()));
    }

    [Fact]
    public async Task Every_truncation_yields_a_prefix_of_the_frames_or_the_format_error_and_nothing_else()
    {
        using var directory = new TempDirectory("flv");
        var flv = await FlvClip.H264Async(directory.Path, frames: 6, gop: 3, cancellationToken: Ct);
        var whole = FlvParsing.Frames(flv);

        for (var length = 0; length < flv.Length; length++)
        {
            var frames = Parse(flv[..length]);
            Assert.True(frames.Count <= whole.Count);
            for (var i = 0; i < frames.Count; i++)
            {
                Assert.Equal(whole[i].AnnexB.ToArray(), frames[i].AnnexB.ToArray());
            }
        }
    }

    [Fact]
    public async Task Random_input_and_random_corruption_yield_only_frames_or_the_format_error()
    {
        using var directory = new TempDirectory("flv");
        var flv = await FlvClip.H264Async(directory.Path, frames: 6, gop: 3, cancellationToken: Ct);
        var random = new FuzzRandom(20261207);
        for (var i = 0; i < 3000; i++)
        {
            // Pure noise, noise after a valid header, and a valid file with a few bytes changed.
            var noise = random.Bytes(random.Next(0, 600));
            var afterHeader = flv[..13].Concat(random.Bytes(random.Next(0, 600))).ToArray();
            var corrupted = (byte[])flv.Clone();
            for (var j = random.Next(1, 6); j > 0; j--)
            {
                corrupted[random.Next(corrupted.Length)] = (byte)random.Next(256);
            }

            Parse(noise);
            Parse(afterHeader);
            Parse(corrupted);
        }
    }

    [Fact]
    public void An_oversized_tag_is_refused_before_its_body_is_waited_for()
    {
        var flv = Header().Concat(TagHeader(FlvTag.Video, 0xFFFFFF)).ToArray();

        var error = Assert.Throws<MediaFormatException>(() => FlvParsing.Frames(flv));
        Assert.Contains("larger than", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new byte[] { 0x14, 0, 0, 0, 0 }, "the video is VP6, not H.264")]
    [InlineData(new byte[] { 0x1C, 0, 0, 0, 0 }, "the video is H.265/HEVC, not H.264")]
    [InlineData(new byte[] { 0x90, (byte)'h', (byte)'v', (byte)'c', (byte)'1' }, "the video is H.265/HEVC, not H.264")]
    [InlineData(new byte[] { 0x90, (byte)'a', (byte)'v', (byte)'0', (byte)'1' }, "the video is AV1, not H.264")]
    public void A_video_that_is_not_h264_is_refused_naming_its_codec(byte[] body, string message)
    {
        var flv = Header().Concat(Tag(FlvTag.Video, body)).ToArray();

        Assert.Equal(message, Assert.Throws<MediaFormatException>(() => FlvParsing.Frames(flv)).Message);
    }

    [Fact]
    public void A_sample_before_any_sequence_header_and_a_nal_past_its_sample_are_format_errors()
    {
        var noHeader = Header().Concat(Tag(FlvTag.Video, [0x17, 1, 0, 0, 0, 0, 0, 0, 1, 0x65])).ToArray();
        Assert.Throws<MediaFormatException>(() => FlvParsing.Frames(noHeader));

        byte[] sequenceHeader = [0x17, 0, 0, 0, 0, 1, 0x42, 0xC0, 0x1E, 0xFF, 0xE1, 0, 4, 0x67, 0x42, 0xC0, 0x1E, 1, 0, 2, 0x68, 0xCE];
        var overrun = Header().Concat(Tag(FlvTag.Video, sequenceHeader)).Concat(Tag(FlvTag.Video, [0x17, 1, 0, 0, 0, 0, 0, 0, 9, 0x65, 0x88])).ToArray();
        Assert.Throws<MediaFormatException>(() => FlvParsing.Frames(overrun));
    }

    [Fact]
    public void Truncated_and_invalid_decoder_configurations_are_refused()
    {
        byte[] record = [1, 0x42, 0xC0, 0x1E, 0xFF, 0xE1, 0, 4, 0x67, 0x42, 0xC0, 0x1E, 1, 0, 2, 0x68, 0xCE];
        Assert.True(AvcDecoderConfiguration.TryParse(record, out var parsed));
        Assert.Equal((4, 1, 1), (parsed!.NalLengthSize, parsed.Sps.Count, parsed.Pps.Count));
        for (var length = 0; length < record.Length; length++)
        {
            Assert.False(AvcDecoderConfiguration.TryParse(record.AsSpan(0, length), out _), $"accepted {length} bytes");
        }

        var wrongVersion = (byte[])record.Clone();
        wrongVersion[0] = 2;
        Assert.False(AvcDecoderConfiguration.TryParse(wrongVersion, out _));
        var threeByteLengths = (byte[])record.Clone();
        threeByteLengths[4] = 0xFE;
        Assert.False(AvcDecoderConfiguration.TryParse(threeByteLengths, out _));
    }

    private static List<MediaFrame> Parse(byte[] input)
    {
        try
        {
            return FlvParsing.Frames(input);
        }
        catch (MediaFormatException)
        {
            return [];
        }
    }

    private static List<int> NalTypes(byte[] annexB) =>
        [.. Enumerable.Range(0, annexB.Length - 4).Where(i => annexB[i] == 0 && annexB[i + 1] == 0 && annexB[i + 2] == 0 && annexB[i + 3] == 1).Select(i => annexB[i + 4] & 0x1F)];

    private static byte[] Header() => [(byte)'F', (byte)'L', (byte)'V', 1, 1, 0, 0, 0, 9, 0, 0, 0, 0];

    private static byte[] TagHeader(byte type, int length) =>
        [type, (byte)(length >> 16), (byte)(length >> 8), (byte)length, 0, 0, 0, 0, 0, 0, 0];

    private static byte[] Tag(byte type, byte[] body)
    {
        var previous = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(previous, (uint)(11 + body.Length));
        return [.. TagHeader(type, body.Length), .. body, .. previous];
    }

    /// <summary>A stream that returns 1 to 7 bytes per read, as a pipe may.</summary>
    private sealed class TrickleStream(byte[] data, FuzzRandom random) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => data.Length;

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = Math.Min(Math.Min(buffer.Length, random.Next(1, 8)), data.Length - _position);
            data.AsSpan(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
