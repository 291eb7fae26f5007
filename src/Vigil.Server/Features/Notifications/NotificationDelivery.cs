namespace Vigil.Server.Features.Notifications;

/// <summary>
/// One notification for one event by one rule's action: the outbox entry while pending, the
/// record afterwards (sent, failed, or suppressed with its reason). Cooldowns and the hourly cap
/// count only pending and sent ones, so suppressed notifications never extend a cooldown.
/// </summary>
internal sealed class NotificationDelivery
{
    public long Id { get; set; }

    /// <summary>The event's key (its spool id).</summary>
    public required Guid EventKey { get; init; }

    public required Guid RuleId { get; init; }

    public required Guid OwnerId { get; init; }

    public required Guid CameraId { get; init; }

    /// <summary>The label the rule matched ("" when the rule matches any event).</summary>
    public required string Label { get; init; }

    /// <summary><c>Email</c>, <c>Webhook</c> or <c>Mqtt</c>.</summary>
    public required string Action { get; init; }

    /// <summary>Where it goes: an address, a URL, or <see cref="EmailNotificationAction.OwnerTarget"/> (the owner's address at send time).</summary>
    public required string Target { get; init; }

    public required DeliveryStatus Status { get; set; }

    public string? Reason { get; set; }

    public int Attempts { get; set; }

    public required DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? NextAttemptAt { get; set; }

    public DateTimeOffset? SentAt { get; set; }

    public string? LastError { get; set; }

    /// <summary>What the action needs, as JSON (<see cref="NotificationPayload"/>), so sending needs no other feature's tables.</summary>
    public required string Payload { get; init; }
}
