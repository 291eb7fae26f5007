using SkiaSharp;

namespace Vigil.TestSupport;

/// <summary>Pictures made for tests: small JPEGs and a decompression-bomb PNG.</summary>
internal static class SnapshotPictures
{
    /// <summary>A 20,000 x 20,000 PNG (400 megapixels, 1.6 GB decoded) that is only a few kilobytes.</summary>
    public static byte[] DecompressionBombPng()
    {
        // A real bomb made by a real encoder would need the 1.6 GB bitmap first; instead take a
        // small PNG and rewrite its IHDR size (and CRC): decoders read the header the same way.
        using var bitmap = new SKBitmap(64, 64);
        bitmap.Erase(SKColors.Black);
        using var image = SKImage.FromBitmap(bitmap);
        var png = image.Encode(SKEncodedImageFormat.Png, 100).ToArray();
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(16), 20_000);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(20), 20_000);
        var crc = Crc32(png.AsSpan(12, 17)); // over the chunk type and data
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(29), crc);
        return png;
    }

    // PNG's CRC-32 (ISO 3309, reflected polynomial 0xEDB88320).
    private static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return crc ^ 0xFFFFFFFFu;
    }

    /// <summary>A JPEG of the given size with a little texture (so it is not trivially small).</summary>
    public static byte[] Jpeg(int width, int height, int seed = 1)
    {
        using var bitmap = new SKBitmap(width, height);
        var random = new Random(seed);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(new SKColor((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256)));
            using var paint = new SKPaint();
            for (var i = 0; i < 40; i++)
            {
                paint.Color = new SKColor((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256));
                canvas.DrawRect(random.Next(width), random.Next(height), random.Next(width / 2), random.Next(height / 2), paint);
            }
        }

        using var image = SKImage.FromBitmap(bitmap);
        return image.Encode(SKEncodedImageFormat.Jpeg, 80).ToArray();
    }
}
