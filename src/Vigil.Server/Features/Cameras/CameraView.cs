namespace Vigil.Server.Features.Cameras;

/// <summary>
/// A camera as <c>/api/cameras</c> shows it, either kind. <c>online</c> and <c>lastSeen</c> come
/// from the live camera's presence (null for snapshot cameras, which keep no connection);
/// <c>channelName</c> and <c>channelArn</c> are its signaling channel once it provisioned.
/// <c>snapshotIngest</c> says where a camera with snapshot-ingest credentials sends pictures; the
/// private ingest address is a secret (only its hash is stored), so this gives its domain, and the
/// full address is in the answer that issues the credentials.
/// </summary>
internal sealed record CameraView(
    Guid Id,
    string Name,
    CameraKind Kind,
    string? SerialNumber,
    bool Provisioned,
    bool? Online,
    DateTimeOffset? LastSeen,
    string? ChannelName,
    string? ChannelArn,
    DateTimeOffset CreatedAt,
    SnapshotIngestView? SnapshotIngest)
{
    public static CameraView From(CameraDetails details, ISnapshotIngestEndpoints ingest)
    {
        var camera = details.Camera;
        return new CameraView(
            camera.Id,
            camera.Name,
            camera.Kind,
            camera.Serial,
            details.Provisioned,
            details.Online,
            details.LastSeen,
            details.Channel?.Name,
            details.Channel?.Arn,
            camera.CreatedAt,
            camera.SmtpUsername is { } username ? new SnapshotIngestView(username, ingest.AddressDomain, ingest.SmtpPort, ingest.UploadPath) : null);
    }
}
