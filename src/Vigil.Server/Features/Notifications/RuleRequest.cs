namespace Vigil.Server.Features.Notifications;

/// <summary>
/// The body of <c>POST /api/rules</c> and <c>PUT /api/rules/{id}</c> (PUT replaces the whole rule).
/// Omitted lists mean "every camera" / "any event"; <see cref="MinConfidence"/> defaults to 0.5,
/// <see cref="Enabled"/> to true. Actions: <see cref="EmailOwner"/> (the caller's current address),
/// or <see cref="Email"/> (an explicit address), and/or <see cref="Webhook"/>, and/or <see cref="Mqtt"/>
/// (publish on <c>vigil/&lt;camera&gt;/events</c>).
/// </summary>
internal sealed record RuleRequest(
    string? Name,
    IReadOnlyList<Guid>? Cameras,
    IReadOnlyList<string>? Labels,
    double? MinConfidence,
    string? QuietHours,
    string? Email,
    bool? EmailOwner,
    string? Webhook,
    bool? Enabled,
    bool? Mqtt = null)
{
    public RuleSpecification ToSpecification(Guid ownerId) => new(
        ownerId,
        Name,
        Cameras ?? [],
        Labels ?? [],
        MinConfidence ?? 0.5,
        QuietHours,
        Email,
        Webhook,
        Enabled ?? true,
        EmailOwner ?? false,
        Mqtt ?? false);
}
