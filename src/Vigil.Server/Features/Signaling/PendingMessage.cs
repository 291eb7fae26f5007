namespace Vigil.Server.Features.Signaling;

/// <summary>A message for a recipient that is not connected, kept until the channel's MessageTtlSeconds run out.</summary>
internal sealed record PendingMessage(string Sender, SignalingAction Action, byte[] Frame, long ExpiresAt);
