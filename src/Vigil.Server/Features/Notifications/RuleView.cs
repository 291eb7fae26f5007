namespace Vigil.Server.Features.Notifications;

/// <summary>A rule as <c>/api/rules</c> shows it; <see cref="WebhookSecret"/> only in the answer that issues it.</summary>
internal sealed record RuleView(
    Guid Id,
    string Name,
    IReadOnlyList<Guid> Cameras,
    IReadOnlyList<string> Labels,
    double MinConfidence,
    string? QuietHours,
    string? Email,
    bool EmailOwner,
    string? Webhook,
    bool Mqtt,
    bool Enabled,
    DateTimeOffset CreatedAt,
    string? WebhookSecret = null,
    RuleDeliveryView? LastDelivery = null)
{
    public static RuleView From(NotificationRule r, bool withSecret = false, NotificationDelivery? lastDelivery = null) => new(
        r.Id, r.Name, r.CameraList, r.LabelList, r.MinConfidence, r.QuietHours, r.EmailTo, r.EmailOwner, r.WebhookUrl, r.Mqtt, r.Enabled, r.CreatedAt, withSecret ? r.WebhookSecret : null,
        lastDelivery is null ? null : RuleDeliveryView.From(lastDelivery));

    /// <summary>Without the webhook secret, should it ever reach a log.</summary>
    public override string ToString() => $"RuleView {{ Id = {Id}, Name = {Name} }}";
}

/// <summary>
/// The latest delivery of a rule on <c>GET /api/rules/{id}</c>: <see cref="Status"/> Pending, Sent,
/// Failed or Suppressed, and <see cref="Error"/> the last attempt's error (or why it was suppressed).
/// </summary>
internal sealed record RuleDeliveryView(long Id, string Action, string Status, int Attempts, DateTimeOffset CreatedAt, DateTimeOffset? SentAt, string? Error)
{
    public static RuleDeliveryView From(NotificationDelivery d) =>
        new(d.Id, d.Action, d.Status.ToString(), d.Attempts, d.CreatedAt, d.SentAt, d.LastError ?? d.Reason);
}
