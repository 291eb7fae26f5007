using MimeKit;
using Vigil.Server.Features.Vision;
using Vigil.Server.Hosting;

namespace Vigil.Server.Features.Ingest;

/// <summary>
/// Finds the pictures in a camera's message (MIME, parsed by MimeKit): every part that is an
/// image by type or file name, decoded and checked by <see cref="ImageProbe"/>. Anything that
/// is not a usable picture is skipped with a reason; a message with no usable picture gets a
/// <see cref="PictureExtraction.Problem"/>. Never throws on bad input.
/// </summary>
internal static class PictureExtractor
{
    public const int MaxPictures = 10;
    private const int MaxMimeDepth = 8;
    private static readonly string[] ImageExtensions = [".jpg", ".jpeg", ".png", ".webp", ".gif", ".bmp", ".jpe"];

    public static PictureExtraction Extract(ReadOnlyMemory<byte> message, long maxPixels, int maxHeaderBytes)
    {
        if (HeaderSectionLength(message.Span, maxHeaderBytes) is null)
        {
            return new PictureExtraction([], [], null, $"the header section is larger than {maxHeaderBytes} bytes", "header_too_large");
        }

        MimeMessage parsed;
        try
        {
            using var stream = new MemoryStream(message.ToArray(), writable: false);
            parsed = MimeMessage.Load(new ParserOptions { MaxMimeDepth = MaxMimeDepth }, stream);
        }
        catch (Exception e) when (e is FormatException or ParseException or IOException or ArgumentException)
        {
            return new PictureExtraction([], [], null, $"the message is not valid MIME ({e.Message.ReplaceLineEndings(" ")})", "invalid_mime");
        }

        var pictures = new List<ExtractedPicture>();
        var skipped = new List<string>();
        var index = 0;
        foreach (var part in parsed.BodyParts.OfType<MimePart>())
        {
            var name = Printable(part.FileName);
            if (!LooksLikePicture(part))
            {
                if (part.IsAttachment)
                {
                    skipped.Add($"attachment '{name}' ({part.ContentType.MimeType}) is not a picture");
                }

                continue;
            }

            if (pictures.Count == MaxPictures)
            {
                skipped.Add($"picture '{name}' is past the limit of {MaxPictures} pictures per message");
                continue;
            }

            byte[] bytes;
            try
            {
                using var decoded = new MemoryStream();
                part.Content?.DecodeTo(decoded);
                bytes = decoded.ToArray();
            }
            catch (Exception e) when (e is FormatException or IOException or InvalidOperationException)
            {
                skipped.Add($"picture '{name}' cannot be decoded from its transfer encoding ({e.Message})");
                continue;
            }

            if (!ImageProbe.TryProbe(bytes, maxPixels, out var info, out var problem))
            {
                skipped.Add($"attachment '{name}' ({part.ContentType.MimeType}) is refused: {problem}");
                continue;
            }

            pictures.Add(new ExtractedPicture(index++, part.FileName, info, bytes));
        }

        var subject = parsed.Subject is { } s ? Printable(s, 256) : null;
        string? error = pictures.Count > 0 ? null
            : skipped.Count > 0 ? $"the message has no usable picture: {string.Join("; ", skipped)}"
            : "the message has no picture attachment";
        return new PictureExtraction(pictures, skipped, subject, error, error is null ? null : "no_picture");
    }

    /// <summary>The length of the header section (up to the first empty line), or null when it exceeds <paramref name="max"/>.</summary>
    public static int? HeaderSectionLength(ReadOnlySpan<byte> message, int max)
    {
        var window = message[..(int)Math.Min(message.Length, (long)max + 4)];
        var crlf = window.IndexOf("\r\n\r\n"u8);
        var lf = window.IndexOf("\n\n"u8);
        var end = crlf < 0 ? lf : lf < 0 ? crlf : Math.Min(crlf, lf);
        if (end < 0)
        {
            // No empty line: the whole message is headers (allowed when small).
            return message.Length <= max ? message.Length : null;
        }

        return end <= max ? end : null;
    }

    private static bool LooksLikePicture(MimePart part)
    {
        if (part.ContentType.MediaType.Equals("image", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var name = part.FileName;
        return name is not null && ImageExtensions.Any(e => name.EndsWith(e, StringComparison.OrdinalIgnoreCase));
    }

    private static string Printable(string? text, int max = 100) =>
        string.IsNullOrEmpty(text) ? "(no name)" : DisplayText.Printable(text, max, "...");
}
