namespace Vigil.Server.Features.Signaling;

/// <summary>
/// A message a client sent over the signaling WebSocket (aws-wire.md §2.2), already checked: a known action,
/// a payload of base64 characters within the size limit (kept as the exact ASCII bytes, to be forwarded
/// byte for byte), and the optional recipient and correlation id.
/// </summary>
internal sealed class ClientMessage(SignalingAction action, byte[] payload, string? recipientClientId, string? correlationId)
{
    public SignalingAction Action { get; } = action;

    /// <summary>The <c>messagePayload</c> text as ASCII bytes (base64 alphabet only, so it needs no JSON escaping).</summary>
    public byte[] Payload { get; } = payload;

    /// <summary>Null when absent or empty (the C SDK always sends it, as "" when unset).</summary>
    public string? RecipientClientId { get; } = recipientClientId;

    public string? CorrelationId { get; } = correlationId;
}
