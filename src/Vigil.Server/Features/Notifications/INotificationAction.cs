namespace Vigil.Server.Features.Notifications;

/// <summary>
/// A way to tell a user about an event: e-mail and webhook now; MQTT (<c>vigil/&lt;camera&gt;/events</c>
/// and Home Assistant discovery) plugs in here once the device plane's broker exists. Throwing
/// means "failed, retry later"; the message should say why in one line.
/// </summary>
internal interface INotificationAction
{
    string Name { get; }

    Task SendAsync(NotificationDelivery delivery, NotificationPayload payload, NotificationRule rule, CancellationToken cancellationToken);
}
