using SkiaSharp;

namespace Vigil.Server.Features.Vision;

/// <summary>Draws detection boxes and labels onto a picture, and makes thumbnails (JPEG).</summary>
internal static class PictureRenderer
{
    public const int ThumbnailWidth = 320;
    private const int JpegQuality = 85;

    private static readonly SKColor[] Palette =
    [
        new(0xE6, 0x19, 0x4B), new(0x3C, 0xB4, 0x4B), new(0xFF, 0xE1, 0x19), new(0x43, 0x63, 0xD8),
        new(0xF5, 0x82, 0x31), new(0x91, 0x1E, 0xB4), new(0x46, 0xF0, 0xF0), new(0xF0, 0x32, 0xE6),
    ];

    /// <summary>The picture with a box and "Label 93%" per detection, as JPEG; null when it cannot be decoded.</summary>
    public static byte[]? Annotate(ReadOnlySpan<byte> encoded, IReadOnlyList<Detection> detections)
    {
        using var bitmap = Decode(encoded, int.MaxValue);
        if (bitmap is null)
        {
            return null;
        }

        using (var canvas = new SKCanvas(bitmap))
        {
            var stroke = Math.Max(2f, bitmap.Width / 320f);
            using var font = new SKFont(SKTypeface.Default, Math.Max(12f, bitmap.Width / 50f));
            using var box = new SKPaint { Style = SKPaintStyle.Stroke, StrokeWidth = stroke, IsAntialias = true };
            using var fill = new SKPaint { Style = SKPaintStyle.Fill, IsAntialias = true };
            using var text = new SKPaint { Color = SKColors.Black, IsAntialias = true };
            foreach (var detection in detections)
            {
                var color = Palette[detection.ClassId % Palette.Length];
                box.Color = color;
                fill.Color = color;
                var rect = SKRect.Create(detection.X, detection.Y, detection.Width, detection.Height);
                canvas.DrawRect(rect, box);
                var caption = $"{detection.Label} {detection.Confidence:P0}";
                var width = font.MeasureText(caption);
                var top = Math.Max(0, rect.Top - font.Size - 4);
                canvas.DrawRect(SKRect.Create(rect.Left, top, width + 6, font.Size + 4), fill);
                canvas.DrawText(caption, rect.Left + 3, top + font.Size, SKTextAlign.Left, font, text);
            }
        }

        return Encode(bitmap);
    }

    /// <summary>A JPEG at most <see cref="ThumbnailWidth"/> pixels wide; null when the picture cannot be decoded.</summary>
    public static byte[]? Thumbnail(ReadOnlySpan<byte> encoded)
    {
        using var decoded = Decode(encoded, ThumbnailWidth);
        if (decoded is null)
        {
            return null;
        }

        if (decoded.Width <= ThumbnailWidth)
        {
            return Encode(decoded);
        }

        var height = Math.Max(1, (int)Math.Round(decoded.Height * (double)ThumbnailWidth / decoded.Width));
        using var scaled = decoded.Resize(new SKImageInfo(ThumbnailWidth, height, SKColorType.Bgra8888, SKAlphaType.Premul), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        return scaled is null ? null : Encode(scaled);
    }

    private static SKBitmap? Decode(ReadOnlySpan<byte> encoded, int minWidth)
    {
        using var data = SKData.CreateCopy(encoded);
        using var codec = SKCodec.Create(data);
        if (codec is null)
        {
            return null;
        }

        var minHeight = minWidth == int.MaxValue ? int.MaxValue : (int)Math.Ceiling(codec.Info.Height * (double)minWidth / codec.Info.Width);
        return ObjectDetector.DecodeAtLeast(codec, Math.Min(minWidth, codec.Info.Width), Math.Min(minHeight, codec.Info.Height));
    }

    private static byte[] Encode(SKBitmap bitmap)
    {
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Jpeg, JpegQuality);
        return data.ToArray();
    }
}
