namespace Vigil.Server.Features.Notifications;

/// <summary>What a user asks for when creating or changing a rule (CLI now, <c>/api/rules</c> later).</summary>
internal sealed record RuleSpecification(
    string OwnerEmail,
    string? Name,
    IReadOnlyList<Guid> CameraIds,
    IReadOnlyList<string> Labels,
    double MinConfidence,
    string? QuietHours,
    string? EmailTo,
    string? WebhookUrl,
    bool Enabled = true,
    bool Mqtt = false);
