using Vigil.Server.Features.Notifications;

namespace Vigil.Server.Features.Integrations;

/// <summary>The JSON published on <c>vigil/&lt;camera&gt;/events</c> by a rule's MQTT action.</summary>
internal sealed record MqttEventMessage(
    string Type,
    Guid EventId,
    Guid CameraId,
    string Camera,
    DateTimeOffset OccurredAt,
    string Source,
    string Rule,
    IReadOnlyList<NotificationLabel> Labels,
    string PictureUrl,
    long DeliveryId);
