namespace Vigil.Server.Features.Notifications;

/// <summary>What a notification says: the event, camera, labels, and the picture to attach.</summary>
internal sealed record NotificationPayload(
    Guid EventKey,
    Guid CameraId,
    string CameraName,
    DateTimeOffset OccurredAt,
    string Source,
    string RuleName,
    IReadOnlyList<NotificationLabel> Labels,
    string? PicturePath);
