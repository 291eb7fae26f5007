using System.Diagnostics.Metrics;
using Vigil.Server.Hosting.Metrics;

namespace Vigil.Server.Features.Notifications;

/// <summary>
/// Meter <c>Vigil.Notifications</c>: notifications sent, suppressed (quiet_hours, cooldown,
/// hourly_cap) and failed (retrying, gave_up, unsendable), each by action (email, webhook, mqtt).
/// </summary>
internal sealed class NotificationMetrics : IMetricSeries
{
    public const string MeterName = "Vigil.Notifications";

    private readonly Counter<long> _sent;
    private readonly Counter<long> _suppressed;
    private readonly Counter<long> _failed;

    public NotificationMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _sent = meter.CreateCounter<long>("vigil.notifications.sent", "{notification}", "Notifications delivered, by action");
        _suppressed = meter.CreateCounter<long>("vigil.notifications.suppressed", "{notification}", "Notifications a rule matched but did not send, by action and reason");
        _failed = meter.CreateCounter<long>("vigil.notifications.failed", "{attempt}", "Failed delivery attempts, by action and reason (retrying, gave_up, unsendable)");
    }

    public void Sent(string action) => _sent.Add(1, new KeyValuePair<string, object?>("action", Label(action)));

    public void Suppressed(string action, string reason) => _suppressed.Add(1, new("action", Label(action)), new("reason", reason));

    public void Failed(string action, string reason) => _failed.Add(1, new("action", Label(action)), new("reason", reason));

    public void InitializeSeries()
    {
        foreach (var action in new[] { EmailNotificationAction.Kind, WebhookNotificationAction.Kind, MqttRuleAction.Kind })
        {
            _sent.Add(0, new KeyValuePair<string, object?>("action", Label(action)));
            foreach (var reason in new[] { "quiet_hours", "cooldown", "hourly_cap" })
            {
                _suppressed.Add(0, new("action", Label(action)), new("reason", reason));
            }

            foreach (var reason in new[] { "retrying", "gave_up", "unsendable" })
            {
                _failed.Add(0, new("action", Label(action)), new("reason", reason));
            }
        }
    }

    // Deliveries store the action's kind; anything else (a row from a newer version) is "other".
    private static string Label(string action) => action switch
    {
        EmailNotificationAction.Kind => "email",
        WebhookNotificationAction.Kind => "webhook",
        MqttRuleAction.Kind => "mqtt",
        _ => "other",
    };
}
