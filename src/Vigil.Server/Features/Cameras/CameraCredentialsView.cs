namespace Vigil.Server.Features.Cameras;

/// <summary>A camera with its secrets: the answer of creation and rotation only (they are never shown again).</summary>
internal sealed record CameraCredentialsView(
    Guid Id,
    string Name,
    string SmtpUsername,
    string SmtpPassword,
    int SmtpPort,
    string IngestAddress,
    string UploadToken,
    string UploadPath)
{
    public static CameraCredentialsView From(CameraCredentials c, ISnapshotIngestEndpoints ingest) =>
        new(c.Camera.Id, c.Camera.Name, c.SmtpUsername, c.SmtpPassword, ingest.SmtpPort, c.IngestAddress, c.UploadToken, ingest.UploadPath);

    /// <summary>Without the secrets, should it ever reach a log.</summary>
    public override string ToString() => $"CameraCredentialsView {{ Id = {Id}, Name = {Name} }}";
}
