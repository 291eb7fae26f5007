using Vigil.Server.Features.Vision;

namespace Vigil.Server.Features.Ingest;

/// <summary>A picture found in a message, checked by <see cref="ImageProbe"/>.</summary>
internal sealed record ExtractedPicture(int Index, string? FileName, ImageInfo Info, byte[] Bytes);
