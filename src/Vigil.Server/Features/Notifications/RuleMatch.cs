namespace Vigil.Server.Features.Notifications;

/// <summary>Why a rule fires: the label that counts for its cooldown and every matching label.</summary>
internal sealed record RuleMatch(string Label, IReadOnlyList<NotificationLabel> Labels);
