using Vigil.Server.Features.Ingest;

namespace Vigil.Fuzz.Targets;

/// <summary>
/// A camera's e-mail message (after DATA, or from the webhook/upload), as snapshot ingest reads it:
/// MIME through MimeKit, every image part decoded and probed. Documented refusal: an extraction with a
/// <see cref="PictureExtraction.Problem"/>; <see cref="PictureExtractor"/> never throws on bad input.
/// </summary>
internal static class MimeHarness
{
    public static void Run(ReadOnlySpan<byte> data)
    {
        var extraction = PictureExtractor.Extract(data.ToArray(), maxPixels: 4_000_000, maxHeaderBytes: 64 * 1024);
        if (extraction.Pictures.Count == 0 && extraction.Problem is null)
        {
            throw new InvalidOperationException("PictureExtractor found no picture but gave no problem.");
        }
    }
}
