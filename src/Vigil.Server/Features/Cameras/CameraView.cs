namespace Vigil.Server.Features.Cameras;

/// <summary>
/// A snapshot camera as <c>GET /api/cameras</c> shows it. The private ingest address is a secret
/// (only its hash is stored), so listings give its domain; the full address is in the answer that
/// creates or rotates the camera's credentials.
/// </summary>
internal sealed record CameraView(Guid Id, string Name, DateTimeOffset CreatedAt, string SmtpUsername, string IngestDomain, int SmtpPort);
