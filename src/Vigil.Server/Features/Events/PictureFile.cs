namespace Vigil.Server.Features.Events;

/// <summary>A stored picture ready to be sent: its absolute path and content type.</summary>
internal sealed record PictureFile(string Path, string ContentType);
