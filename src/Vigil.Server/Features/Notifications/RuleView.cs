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
    string? WebhookSecret = null)
{
    public static RuleView From(NotificationRule r, bool withSecret = false) => new(
        r.Id, r.Name, r.CameraList, r.LabelList, r.MinConfidence, r.QuietHours, r.EmailTo, r.EmailOwner, r.WebhookUrl, r.Mqtt, r.Enabled, r.CreatedAt, withSecret ? r.WebhookSecret : null);

    /// <summary>Without the webhook secret, should it ever reach a log.</summary>
    public override string ToString() => $"RuleView {{ Id = {Id}, Name = {Name} }}";
}
