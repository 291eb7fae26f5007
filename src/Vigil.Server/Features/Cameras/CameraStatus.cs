namespace Vigil.Server.Features.Cameras;

/// <summary>
/// One event of <c>GET /api/cameras/status</c>: a live camera's presence now. <c>provisioned</c> is
/// false once its thing was revoked (which also takes it offline).
/// </summary>
internal sealed record CameraStatus(Guid Id, bool Online, DateTimeOffset? LastSeen, bool Provisioned);
