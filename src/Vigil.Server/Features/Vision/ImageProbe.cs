using SkiaSharp;

namespace Vigil.Server.Features.Vision;

/// <summary>
/// Checks that bytes are a picture Vigil can decode, and how large it would be once decoded,
/// reading only its header: a non-image renamed <c>.jpg</c> and a decompression bomb (a small
/// PNG that decodes to gigabytes) are refused here, before any pixel is allocated.
/// </summary>
internal static class ImageProbe
{
    public const int MinimumSide = 8;
    public const int MaximumSide = 30_000;

    public static bool TryProbe(ReadOnlySpan<byte> bytes, long maxPixels, out ImageInfo info, out string problem)
    {
        info = new ImageInfo("unknown", 0, 0);
        if (bytes.Length < 8)
        {
            problem = "it is too short to be a picture";
            return false;
        }

        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data);
        if (codec is null)
        {
            problem = "it is not a picture Vigil can decode (JPEG, PNG, WebP, GIF or BMP)";
            return false;
        }

        var format = codec.EncodedFormat switch
        {
            SKEncodedImageFormat.Jpeg => "jpeg",
            SKEncodedImageFormat.Png => "png",
            SKEncodedImageFormat.Webp => "webp",
            SKEncodedImageFormat.Gif => "gif",
            SKEncodedImageFormat.Bmp => "bmp",
            _ => null,
        };
        if (format is null)
        {
            problem = $"its format ({codec.EncodedFormat}) is not supported";
            return false;
        }

        var (width, height) = (codec.Info.Width, codec.Info.Height);
        info = new ImageInfo(format, width, height);
        if (width < MinimumSide || height < MinimumSide)
        {
            problem = $"it is {width}x{height} pixels, too small to look at";
            return false;
        }

        if (width > MaximumSide || height > MaximumSide || (long)width * height > maxPixels)
        {
            problem = $"it is {width}x{height} pixels, more than the limit of {maxPixels:N0} pixels (Vision:MaxImagePixels)";
            return false;
        }

        problem = "";
        return true;
    }
}
