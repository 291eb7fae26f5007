namespace Vigil.Server.Features.Cameras;

/// <summary>The body of <c>POST /api/cameras/snapshot</c>.</summary>
internal sealed record CreateSnapshotCamera(string? Name);
