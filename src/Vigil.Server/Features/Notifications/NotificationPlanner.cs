using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Vigil.Server.Features.Events;
using Vigil.Server.Storage;

namespace Vigil.Server.Features.Notifications;

/// <summary>
/// Decides, for a new event, which of its owner's rules notify, and records each decision in the
/// event's own transaction: a pending delivery per action, or a suppressed one with its reason
/// (quiet hours, cooldown per user/camera/label, hourly cap per user). Cooldowns and caps are counted
/// from the deliveries in the database, so every node of a cluster sees the same ones; on PostgreSQL the
/// unit of work first takes a transaction-scoped advisory lock per owner (in one order, so nodes cannot
/// deadlock), so two nodes recording events of one owner at once cannot both pass a cap that only one
/// may pass — the second waits for the first's commit and counts its deliveries.
/// </summary>
internal sealed partial class NotificationPlanner(
    VigilDbContext db,
    NotificationSignal signal,
    NotificationMetrics metrics,
    IOptions<NotificationsOptions> options,
    TimeProvider time,
    ILogger<NotificationPlanner> logger) : IEventListener
{
    /// <summary>The first key of Vigil's advisory locks on owners' notifications (the second is derived from the owner).</summary>
    private const int OwnerLockClass = 0x56_4e_4f_54; // "VNOT"

    private bool _planned;

    public async Task OnUnitStartingAsync(IReadOnlyList<RecordedEvent> unit, CancellationToken cancellationToken)
    {
        if (!db.Database.IsNpgsql())
        {
            return; // SQLite serves one node only, and the database lets one writer in at a time.
        }

        foreach (var key in unit.Select(e => OwnerLockKey(e.OwnerId)).Distinct().Order())
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({OwnerLockClass}, {key})", cancellationToken);
        }
    }

    /// <summary>A 32-bit key for the owner (collisions only make two owners wait for each other).</summary>
    internal static int OwnerLockKey(Guid owner)
    {
        Span<byte> bytes = stackalloc byte[16];
        owner.TryWriteBytes(bytes);
        var folded = BitConverter.ToUInt64(bytes) ^ BitConverter.ToUInt64(bytes[8..]);
        return (int)(folded ^ (folded >> 32));
    }

    public async Task OnRecordingAsync(RecordedEvent recorded, CancellationToken cancellationToken)
    {
        var rules = await db.NotificationRules.AsNoTracking()
            .Where(r => r.OwnerId == recorded.OwnerId && r.Enabled)
            .OrderBy(r => r.CreatedAt)
            .ToListAsync(cancellationToken);
        var now = time.GetUtcNow();
        var settings = options.Value;
        var added = new List<NotificationDelivery>();
        foreach (var rule in rules)
        {
            if (rule.CameraList is { Count: > 0 } cameras && !cameras.Contains(recorded.CameraId))
            {
                continue;
            }

            if (Match(rule, recorded) is not { } match)
            {
                continue;
            }

            var suppression = await SuppressionAsync(rule, recorded, match.Label, now, added, settings, cancellationToken);
            var reason = suppression?.Message;
            var payload = new NotificationPayload(
                recorded.Key,
                recorded.CameraId,
                recorded.CameraName,
                recorded.OccurredAt,
                recorded.Source,
                rule.Name,
                match.Labels,
                recorded.PicturePath);
            foreach (var (action, target) in Actions(rule, recorded.CameraId))
            {
                var delivery = new NotificationDelivery
                {
                    EventKey = recorded.Key,
                    RuleId = rule.Id,
                    OwnerId = recorded.OwnerId,
                    CameraId = recorded.CameraId,
                    Label = match.Label,
                    Action = action,
                    Target = target,
                    Status = reason is null ? DeliveryStatus.Pending : DeliveryStatus.Suppressed,
                    Reason = reason,
                    CreatedAt = now,
                    NextAttemptAt = reason is null ? now : null,
                    Payload = JsonSerializer.Serialize(payload, NotificationsJsonContext.Default.NotificationPayload),
                };
                added.Add(delivery);
                db.NotificationDeliveries.Add(delivery);
                if (reason is null)
                {
                    _planned = true;
                }
                else
                {
                    metrics.Suppressed(action, suppression!.Value.Kind);
                    Log.Suppressed(logger, rule.Id, recorded.CameraId, match.Label, action, reason);
                }
            }
        }
    }

    public void OnRecorded()
    {
        if (_planned)
        {
            signal.Wake();
        }
    }

    /// <summary>The label that triggers the rule (its best detection at or above the rule's confidence), or null when the rule does not apply.</summary>
    internal static RuleMatch? Match(NotificationRule rule, RecordedEvent recorded)
    {
        var wanted = rule.LabelList;
        var hits = recorded.Detections
            .Where(d => d.Confidence >= rule.MinConfidence && (wanted.Count == 0 || wanted.Contains(d.Label, StringComparer.OrdinalIgnoreCase)))
            .GroupBy(d => d.Label)
            .Select(g => new NotificationLabel(g.Key, g.Max(d => d.Confidence)))
            .OrderByDescending(l => l.Confidence)
            .ToList();
        if (hits.Count > 0)
        {
            return new RuleMatch(hits[0].Label, hits);
        }

        // A rule without labels notifies of every event, even one nothing was detected in.
        return wanted.Count == 0 ? new RuleMatch("", []) : null;
    }

    /// <summary>Why the rule must not notify now: a fixed kind (the metric's label) and the message stored with the delivery; null to notify.</summary>
    private async Task<(string Kind, string Message)?> SuppressionAsync(
        NotificationRule rule,
        RecordedEvent recorded,
        string label,
        DateTimeOffset now,
        List<NotificationDelivery> added,
        NotificationsOptions settings,
        CancellationToken cancellationToken)
    {
        if (QuietHours.TryParse(rule.QuietHours, out var quiet))
        {
            var local = TimeZoneInfo.ConvertTime(now, settings.EffectiveTimeZone);
            if (quiet.Contains(TimeOnly.FromDateTime(local.DateTime)))
            {
                return ("quiet_hours", $"quiet hours {quiet}");
            }
        }

        if (settings.Cooldown > TimeSpan.Zero)
        {
            var since = now - settings.Cooldown;
            var owner = recorded.OwnerId;
            var cooling = await db.NotificationDeliveries.AnyAsync(
                d => d.OwnerId == owner && d.CameraId == recorded.CameraId && d.Label == label
                    && (d.Status == DeliveryStatus.Pending || d.Status == DeliveryStatus.Sent)
                    && d.CreatedAt > since && d.EventKey != recorded.Key,
                cancellationToken);
            if (cooling)
            {
                return ("cooldown", $"cooldown: a notification for {(label.Length == 0 ? "this camera" : label)} from {recorded.CameraName} was sent less than {settings.Cooldown} ago");
            }
        }

        var hourAgo = now - TimeSpan.FromHours(1);
        var owned = recorded.OwnerId;
        var lastHour = await db.NotificationDeliveries.CountAsync(
            d => d.OwnerId == owned && (d.Status == DeliveryStatus.Pending || d.Status == DeliveryStatus.Sent) && d.CreatedAt > hourAgo,
            cancellationToken);
        lastHour += added.Count(d => d.Status == DeliveryStatus.Pending);
        return lastHour >= settings.MaxPerUserPerHour
            ? ("hourly_cap", $"hourly cap: {settings.MaxPerUserPerHour} notifications per hour reached")
            : null;
    }

    private static IEnumerable<(string Action, string Target)> Actions(NotificationRule rule, Guid cameraId)
    {
        if (rule.EmailTo is { Length: > 0 } email)
        {
            yield return (EmailNotificationAction.Kind, email);
        }
        else if (rule.EmailOwner)
        {
            yield return (EmailNotificationAction.Kind, EmailNotificationAction.OwnerTarget);
        }

        if (rule.WebhookUrl is { Length: > 0 } url)
        {
            yield return (WebhookNotificationAction.Kind, url);
        }

        if (rule.Mqtt)
        {
            yield return (MqttRuleAction.Kind, MqttRuleAction.Target(cameraId));
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7401, Level = LogLevel.Information, Message = "Notification suppressed: rule {RuleId}, camera {CameraId}, label {Label}, action {Action}: {Reason}")]
        public static partial void Suppressed(ILogger logger, Guid ruleId, Guid cameraId, string label, string action, string reason);
    }
}
