namespace Vigil.Server.Features.Notifications;

internal sealed record NotificationLabel(string Label, float Confidence);
