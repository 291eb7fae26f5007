namespace Vigil.Server.Features.Notifications;

/// <summary>
/// A way to tell a user about an event: e-mail, webhook, MQTT (<c>vigil/&lt;camera&gt;/events</c>,
/// in the Integrations feature). Throwing <see cref="NotificationDeliveryException"/> means
/// "failed, retry later"; the message should say why in one line.
/// </summary>
internal interface INotificationAction
{
    string Name { get; }

    Task SendAsync(NotificationDelivery delivery, NotificationPayload payload, NotificationRule rule, CancellationToken cancellationToken);
}
