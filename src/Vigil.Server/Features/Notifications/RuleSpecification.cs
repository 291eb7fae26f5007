namespace Vigil.Server.Features.Notifications;

/// <summary>What a user asks for when creating or changing a rule (<c>vigil rules add</c>, <c>/api/rules</c>).</summary>
internal sealed record RuleSpecification(
    Guid OwnerId,
    string? Name,
    IReadOnlyList<Guid> CameraIds,
    IReadOnlyList<string> Labels,
    double MinConfidence,
    string? QuietHours,
    string? EmailTo,
    string? WebhookUrl,
    bool Enabled = true,
    bool EmailOwner = false,
    bool Mqtt = false);
