namespace Vigil.Server.Features.Provisioning;

/// <summary>A connection came or went; the presence tracker stores it and publishes the lifecycle event, in order.</summary>
internal sealed record PresenceChange(DevicePrincipal Principal, bool Connected, bool ClientInitiated, string? DisconnectReason, DateTimeOffset At);
