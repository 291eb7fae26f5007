using Vigil.Server.Features.Vision;
using Vigil.TestSupport;

namespace Vigil.Server.Tests.Features.Vision;

public sealed class ImageProbeTests
{
    [Fact]
    public void A_jpeg_is_recognised_with_its_size_without_decoding()
    {
        var bytes = File.ReadAllBytes(SnapshotAssets.Picture("dog.jpg"));

        Assert.True(ImageProbe.TryProbe(bytes, 40_000_000, out var info, out _));

        Assert.Equal(("jpeg", 768, 576), (info.Format, info.Width, info.Height));
    }

    [Fact]
    public void A_decompression_bomb_png_is_refused_from_its_header()
    {
        var bomb = SnapshotPictures.DecompressionBombPng();

        Assert.True(bomb.Length < 200_000, $"the bomb should be small on the wire ({bomb.Length} bytes)");
        Assert.False(ImageProbe.TryProbe(bomb, 40_000_000, out var info, out var problem));
        Assert.Equal(20_000, info.Width);
        Assert.Contains("limit", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Text_renamed_to_jpg_is_not_a_picture() =>
        Assert.False(ImageProbe.TryProbe("this is not a picture at all, just text"u8, 40_000_000, out _, out _));

    [Fact]
    public void Truncated_and_random_input_only_ever_gives_false_or_a_probe()
    {
        var jpeg = File.ReadAllBytes(SnapshotAssets.Picture("eagle.jpg"));
        var random = new Random(7);
        for (var i = 0; i < 300; i++)
        {
            var sample = i % 2 == 0 ? jpeg[..random.Next(0, 2000)] : RandomBytes(random, random.Next(0, 4096));
            if (i % 3 == 0 && sample.Length > 4)
            {
                sample[0] = 0xFF;
                sample[1] = 0xD8; // a JPEG start marker, then garbage
            }

            _ = ImageProbe.TryProbe(sample, 40_000_000, out _, out _);
        }
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
