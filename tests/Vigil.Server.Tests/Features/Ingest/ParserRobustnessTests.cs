using System.Text;
using Vigil.Server.Features.Ingest;
using Vigil.Server.Features.Notifications;
using Vigil.Server.Features.Vision;
using Vigil.TestSupport;

namespace Vigil.Server.Tests.Features.Ingest;

/// <summary>The other parsers of Snapshot AI on truncated, oversized and random input: only their typed outcome comes out.</summary>
public sealed class ParserRobustnessTests
{
    [Fact]
    public void A_spool_entry_round_trips_and_damaged_ones_give_only_SpoolFormatException()
    {
        var envelope = new SpoolEnvelope(Guid.CreateVersion7(), Guid.CreateVersion7(), "Porch", Guid.CreateVersion7(), SnapshotSource.Smtp, DateTimeOffset.UnixEpoch, "127.0.0.1", "cam@b.c");
        var content = "Subject: x\r\n\r\nbody"u8.ToArray();
        var bytes = Encoding.UTF8.GetBytes("VIGIL-SPOOL 1\n" + System.Text.Json.JsonSerializer.Serialize(envelope, IngestJsonContext.Default.SpoolEnvelope) + "\n").Concat(content).ToArray();

        var entry = SnapshotSpool.Parse(bytes);

        Assert.Equal(envelope, entry.Envelope);
        Assert.Equal(content, entry.Content.ToArray());
        var random = new Random(3);
        for (var i = 0; i < 2000; i++)
        {
            var damaged = i % 2 == 0 ? bytes[..random.Next(bytes.Length)] : (byte[])bytes.Clone();
            if (i % 2 == 1)
            {
                damaged[random.Next(damaged.Length)] = (byte)random.Next(256);
            }

            try
            {
                SnapshotSpool.Parse(damaged);
            }
            catch (SpoolFormatException)
            {
                // the one allowed failure
            }
        }

        Assert.Throws<SpoolFormatException>(() => SnapshotSpool.Parse(Encoding.ASCII.GetBytes("VIGIL-SPOOL 1\n" + new string('x', 20_000))));
    }

    [Fact]
    public void Picture_extraction_never_throws_on_truncated_or_random_messages()
    {
        var good = Encoding.ASCII.GetBytes(CameraMail.With(("dog.jpg", "image/jpeg", File.ReadAllBytes(SnapshotAssets.Picture("dog.jpg")))));
        Assert.Single(PictureExtractor.Extract(good, 40_000_000, 65536).Pictures);
        var random = new Random(2045);
        for (var i = 0; i < 200; i++)
        {
            var sample = (i % 3) switch
            {
                0 => good[..random.Next(good.Length)],
                1 => Mutate(good, random),
                _ => RandomBytes(random, random.Next(0, 20_000)),
            };

            var extraction = PictureExtractor.Extract(sample, 40_000_000, 65536);
            Assert.True(extraction.Pictures.Count > 0 || extraction.Problem is not null);
        }
    }

    [Fact]
    public void Deeply_nested_mime_is_refused_without_recursion_trouble()
    {
        var text = new StringBuilder("Subject: nest\r\n");
        for (var i = 0; i < 200; i++)
        {
            text.Append(CultureInfoInvariant($"Content-Type: multipart/mixed; boundary=\"b{i}\"\r\n\r\n--b{i}\r\n"));
        }

        var extraction = PictureExtractor.Extract(Encoding.ASCII.GetBytes(text.ToString()), 40_000_000, 1_000_000);

        Assert.NotNull(extraction.Problem);
    }

    [Theory]
    [InlineData("22:00-07:00", true)]
    [InlineData("08:30-17:45", true)]
    [InlineData("24:00-01:00", false)]
    [InlineData("22:00", false)]
    [InlineData("07:00-07:00", false)]
    [InlineData("", false)]
    [InlineData("ab:cd-ef:gh", false)]
    public void Quiet_hours_parse_only_hh_mm_ranges(string text, bool valid) =>
        Assert.Equal(valid, QuietHours.TryParse(text, out _));

    [Fact]
    public void Yolox_decoding_of_random_and_non_finite_outputs_gives_only_finite_boxes_inside_the_picture()
    {
        var random = new Random(416);
        var output = new float[YoloxPostprocessor.Rows * YoloxPostprocessor.Columns];
        for (var run = 0; run < 5; run++)
        {
            for (var i = 0; i < output.Length; i++)
            {
                output[i] = (i % 97) switch
                {
                    0 => float.NaN,
                    1 => float.PositiveInfinity,
                    2 => -1e30f,
                    _ => (float)(random.NextDouble() * 4) - 1,
                };
            }

            var detections = YoloxPostprocessor.Decode(output, 0.5f, 832, 600, 0.3f);

            Assert.All(detections, d =>
            {
                Assert.True(float.IsFinite(d.X) && float.IsFinite(d.Width) && d.Width > 0 && d.Height > 0);
                Assert.InRange(d.X + d.Width, 0, 832);
                Assert.InRange(d.Y + d.Height, 0, 600);
            });
        }

        Assert.Throws<ArgumentException>(() => YoloxPostprocessor.Decode(new float[10], 1, 1, 1, 0.3f));
    }

    [Fact]
    public void Nms_keeps_the_best_of_overlapping_boxes_per_class_only()
    {
        var boxes = new List<Detection>
        {
            new(0, "Person", 0.9f, 0, 0, 100, 100),
            new(0, "Person", 0.8f, 5, 5, 100, 100),
            new(16, "Dog", 0.7f, 5, 5, 100, 100),
            new(0, "Person", 0.6f, 300, 300, 50, 50),
        };

        var kept = YoloxPostprocessor.NonMaximumSuppression(boxes);

        Assert.Equal([0.9f, 0.7f, 0.6f], kept.Select(k => k.Confidence));
    }

    private static string CultureInfoInvariant(FormattableString text) => FormattableString.Invariant(text);

    private static byte[] Mutate(byte[] bytes, Random random)
    {
        var copy = (byte[])bytes.Clone();
        for (var i = 0; i < 50; i++)
        {
            copy[random.Next(copy.Length)] = (byte)random.Next(256);
        }

        return copy;
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
