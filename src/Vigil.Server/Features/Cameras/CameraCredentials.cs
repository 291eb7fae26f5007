namespace Vigil.Server.Features.Cameras;

/// <summary>The secrets of a snapshot camera, shown once when they are created; only their hashes are kept.</summary>
internal sealed record CameraCredentials(
    CameraIdentity Camera,
    string SmtpUsername,
    string SmtpPassword,
    string IngestAddress,
    string UploadToken);
