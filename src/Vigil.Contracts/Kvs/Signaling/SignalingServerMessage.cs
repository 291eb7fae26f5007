namespace Vigil.Contracts.Kvs.Signaling;

/// <summary>
/// A message the signaling service sends (aws-wire.md §2.3): a relayed offer, answer or candidate
/// (<c>messagePayload</c>, with <c>senderClientId</c> on messages to the master), <c>GO_AWAY</c>,
/// <c>RECONNECT_ICE_SERVER</c>, or a <c>STATUS_RESPONSE</c> to a refused message.
/// </summary>
public sealed record SignalingServerMessage
{
    /// <summary>See <see cref="SignalingMessageTypes"/>.</summary>
    public string? MessageType { get; init; }

    /// <summary>Base64 of the JSON payload, on relayed messages.</summary>
    public string? MessagePayload { get; init; }

    /// <summary>The viewer that sent a relayed message (on messages to the master).</summary>
    public string? SenderClientId { get; init; }

    /// <summary>Why a message carrying a correlation id was refused.</summary>
    public SignalingStatusResponse? StatusResponse { get; init; }
}
