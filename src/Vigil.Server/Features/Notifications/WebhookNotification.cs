namespace Vigil.Server.Features.Notifications;

/// <summary>The JSON body of a webhook notification.</summary>
internal sealed record WebhookNotification(
    string Type,
    long DeliveryId,
    Guid EventKey,
    Guid CameraId,
    string Camera,
    DateTimeOffset OccurredAt,
    string Source,
    string Rule,
    IReadOnlyList<NotificationLabel> Labels);
