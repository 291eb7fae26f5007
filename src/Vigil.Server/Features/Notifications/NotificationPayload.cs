namespace Vigil.Server.Features.Notifications;

/// <summary>
/// What a notification says: the event, camera, labels, and the event's first picture. The
/// e-mail attaches the annotated copy instead, asked for when it is sent (it is made on demand);
/// <see cref="PicturePath"/> is what it falls back to (deliveries planned by older versions name
/// the annotated copy there).
/// </summary>
internal sealed record NotificationPayload(
    Guid EventKey,
    Guid CameraId,
    string CameraName,
    DateTimeOffset OccurredAt,
    string Source,
    string RuleName,
    IReadOnlyList<NotificationLabel> Labels,
    string? PicturePath);
