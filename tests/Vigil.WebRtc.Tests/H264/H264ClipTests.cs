using Vigil.TestSupport;
using Vigil.WebRtc.H264;

namespace Vigil.WebRtc.Tests.H264;

/// Access-unit splitting and SPS parsing on real x264 output (Debian ffmpeg).
public sealed class H264ClipTests
{
    [Theory]
    [InlineData(true, 0)]
    [InlineData(false, 0)]
    [InlineData(true, 4)]
    [InlineData(false, 4)]
    public async Task Every_frame_of_an_ffmpeg_clip_becomes_one_access_unit(bool aud, int slices)
    {
        var options = new H264ClipOptions(Width: 320, Height: 240, FramesPerSecond: 15, Seconds: 4, GopFrames: 15, AccessUnitDelimiters: aud, SlicesPerFrame: slices);
        var path = await H264Clip.GenerateAsync(options, cancellationToken: TestContext.Current.CancellationToken);

        var units = new List<H264AccessUnit>();
        await using (var file = File.OpenRead(path))
        {
            await foreach (var unit in H264AccessUnitReader.ReadAsync(file, TestContext.Current.CancellationToken))
            {
                units.Add(unit);
            }
        }

        Assert.Equal(60, units.Count);
        Assert.Equal([0, 15, 30, 45], units.Select((u, i) => (u, i)).Where(x => x.u.IsKeyframe).Select(x => x.i));
        Assert.All(units.Where(u => u.IsKeyframe), u => Assert.True(u.HasParameterSets));
        // Every slice of the file lands in exactly one access unit; with slices requested, x264
        // (zerolatency, sliced threads) writes several per picture and they must stay together.
        var fileSlices = AnnexB.Split(await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken))
            .Count(n => H264NalUnitType.IsVcl(H264NalUnitType.Of(n.Span)));
        var slicesPerUnit = units.Select(u => AnnexB.Split(u.Data).Count(n => H264NalUnitType.IsVcl(H264NalUnitType.Of(n.Span)))).ToList();
        Assert.Equal(fileSlices, slicesPerUnit.Sum());
        if (slices > 0)
        {
            Assert.All(slicesPerUnit, count => Assert.True(count > 1, $"{count} slice(s) in an access unit"));
        }

        var sps = AnnexB.Split(units[0].Data).First(n => H264NalUnitType.Of(n.Span) == H264NalUnitType.Sps);
        Assert.True(H264SequenceParameterSet.TryParse(sps.Span, out var parsed));
        Assert.Equal((320, 240), (parsed.Width, parsed.Height));
        Assert.Equal(H264Profile.ConstrainedBaseline, parsed.ProfileLevelId.Profile);
        Assert.Equal(31, parsed.LevelIdc);
    }

    [Fact]
    public async Task A_stream_delivered_in_tiny_reads_yields_the_same_access_units()
    {
        var path = await H264Clip.GenerateAsync(new H264ClipOptions(Seconds: 2), cancellationToken: TestContext.Current.CancellationToken);
        var bytes = await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken);

        var whole = await ReadAll(new MemoryStream(bytes));
        var trickled = await ReadAll(new TrickleStream(bytes, chunk: 7));

        Assert.Equal(whole.Count, trickled.Count);
        for (var i = 0; i < whole.Count; i++)
        {
            Assert.True(whole[i].Data.Span.SequenceEqual(trickled[i].Data.Span), $"access unit {i} differs");
        }
    }

    [Fact]
    public async Task A_main_profile_clip_reports_main_and_720p_size()
    {
        var path = await H264Clip.GenerateAsync(new H264ClipOptions(Width: 1280, Height: 720, Seconds: 0.4, Profile: "main"), cancellationToken: TestContext.Current.CancellationToken);
        await using var file = File.OpenRead(path);
        await foreach (var unit in H264AccessUnitReader.ReadAsync(file, TestContext.Current.CancellationToken))
        {
            var sps = AnnexB.Split(unit.Data).First(n => H264NalUnitType.Of(n.Span) == H264NalUnitType.Sps);
            Assert.True(H264SequenceParameterSet.TryParse(sps.Span, out var parsed));
            Assert.Equal((1280, 720), (parsed.Width, parsed.Height)); // 720 = 45 macroblock rows, no cropping
            Assert.Equal(H264Profile.Main, parsed.ProfileLevelId.Profile);
            break;
        }
    }

    [Fact]
    public async Task Random_bytes_through_the_reader_do_not_throw()
    {
        var random = new FuzzRandom(264);
        for (var i = 0; i < 200; i++)
        {
            var input = random.Bytes(random.Next(0, 5000));
            for (var k = 0; k < input.Length; k++)
            {
                if (random.Next(4) == 0)
                {
                    input[k] = 0;
                }
            }

            _ = await ReadAll(new TrickleStream(input, chunk: 1 + random.Next(100)));
        }
    }

    private static async Task<List<H264AccessUnit>> ReadAll(Stream stream)
    {
        var units = new List<H264AccessUnit>();
        await foreach (var unit in H264AccessUnitReader.ReadAsync(stream, TestContext.Current.CancellationToken))
        {
            units.Add(unit);
        }

        return units;
    }

    /// A stream that returns at most `chunk` bytes per read, like a slow pipe.
    private sealed class TrickleStream(byte[] data, int chunk) : MemoryStream(data)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, chunk));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, chunk)], cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            base.ReadAsync(buffer, offset, Math.Min(count, chunk), cancellationToken);
    }

    [Fact]
    public async Task The_file_source_paces_frames_by_its_time_provider_and_keeps_timestamps_rising_across_loops()
    {
        var ct = TestContext.Current.CancellationToken;
        var path = await H264Clip.GenerateAsync(new H264ClipOptions(Width: 160, Height: 120, FramesPerSecond: 10, Seconds: 1, GopFrames: 10), cancellationToken: ct);
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        await using var frames = new H264FileSource(path, 10, time).ReadAsync(ct).GetAsyncEnumerator(ct);

        Assert.True(await frames.MoveNextAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10), ct));
        Assert.Equal(TimeSpan.Zero, frames.Current.Timestamp);
        var second = frames.MoveNextAsync().AsTask();
        // A negative observation: with the fake clock standing still, frame 1 (due at 100 ms) must not come.
        await Task.Delay(TimeSpan.FromMilliseconds(300), ct);
        Assert.False(second.IsCompleted, "a frame came before its time on the injected clock");

        // Advance the fake clock in 20 ms steps until the pacing thread hands the frame over.
        var advanced = TimeSpan.Zero;
        while (!second.IsCompleted && advanced < TimeSpan.FromSeconds(5))
        {
            time.Advance(TimeSpan.FromMilliseconds(20));
            advanced += TimeSpan.FromMilliseconds(20);
            await Task.WhenAny(second, Task.Delay(TimeSpan.FromMilliseconds(250), ct));
        }

        Assert.True(await second.WaitAsync(TimeSpan.FromSeconds(5), ct));
        Assert.Equal(TimeSpan.FromMilliseconds(100), frames.Current.Timestamp);
        Assert.InRange(advanced, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(300));

        // The 10-frame clip loops; timestamps continue from the frame counter (12th frame = 1.1 s).
        for (var i = 2; i < 12; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(100));
            Assert.True(await frames.MoveNextAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10), ct));
        }

        Assert.Equal(TimeSpan.FromMilliseconds(1100), frames.Current.Timestamp);
    }
}
