namespace Vigil.Server.Features.Events;

internal sealed record EventPictureView(int Index, string? FileName, string ContentType, int Width, int Height, bool HasThumbnail, bool HasAnnotated);
