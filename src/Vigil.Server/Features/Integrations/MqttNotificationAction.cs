using System.Text.Json;
using Microsoft.Extensions.Options;
using Vigil.Server.Features.Notifications;
using Vigil.Server.Hosting;

namespace Vigil.Server.Features.Integrations;

/// <summary>
/// A rule's MQTT action: a JSON message on <c>vigil/&lt;camera id&gt;/events</c>, QoS 1, not
/// retained (an old event replayed to every new subscriber would look like a new one). "Sent"
/// means the broker took it; subscribers that are offline at that moment do not get it, as with
/// any non-retained MQTT message. Cooldowns, caps and the delivery record are the planner's and
/// sender's, as for e-mail and webhooks.
/// </summary>
internal sealed class MqttNotificationAction(IntegrationPublisher publisher, IOptions<IntegrationsOptions> options, PublicAddress address) : INotificationAction
{
    public const string Type = "vigil.event";

    public string Name => MqttRuleAction.Kind;

    public async Task SendAsync(NotificationDelivery delivery, NotificationPayload payload, NotificationRule rule, CancellationToken cancellationToken)
    {
        var message = new MqttEventMessage(
            Type,
            payload.EventKey,
            payload.CameraId,
            payload.CameraName,
            payload.OccurredAt,
            payload.Source,
            payload.RuleName,
            payload.Labels,
            PictureUrl(payload.EventKey),
            delivery.Id);
        try
        {
            await publisher.PublishAsync(
                IntegrationTopics.Events(payload.CameraId),
                JsonSerializer.SerializeToUtf8Bytes(message, IntegrationsJsonContext.Default.MqttEventMessage),
                retain: false,
                "application/json",
                IntegrationReach.Cluster,
                cancellationToken);
        }
        catch (IntegrationPublishException e)
        {
            throw new NotificationDeliveryException(e.Message, e);
        }
    }

    /// <summary>Where the event's picture is served (<c>GET /api/events/{key}/picture</c>, for its owner with a token: a redirect to the annotated picture).</summary>
    public string PictureUrl(Guid eventKey)
    {
        var configured = options.Value.PictureBaseUrl;
        var root = string.IsNullOrWhiteSpace(configured) ? address.Https : configured.TrimEnd('/');
        return $"{root}/api/events/{eventKey:D}/picture";
    }
}
