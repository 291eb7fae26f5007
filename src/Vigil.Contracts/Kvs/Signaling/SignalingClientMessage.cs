namespace Vigil.Contracts.Kvs.Signaling;

/// <summary>
/// A message a client sends over the KVS signaling WebSocket (aws-wire.md §2.2):
/// <c>{"action":"SDP_ANSWER","messagePayload":"&lt;base64 JSON&gt;","recipientClientId":"...","correlationId":"..."}</c>.
/// </summary>
public sealed record SignalingClientMessage
{
    /// <summary><c>SDP_OFFER</c>, <c>SDP_ANSWER</c> or <c>ICE_CANDIDATE</c> (see <see cref="SignalingMessageTypes"/>).</summary>
    public required string Action { get; init; }

    /// <summary>Base64 of the JSON payload (<see cref="SessionDescriptionPayload"/> or <see cref="IceCandidatePayload"/>).</summary>
    public required string MessagePayload { get; init; }

    /// <summary>The viewer a master's message is for; absent on a viewer's messages.</summary>
    public string? RecipientClientId { get; init; }

    /// <summary>When present, a refused message is answered with a <c>STATUS_RESPONSE</c> carrying it.</summary>
    public string? CorrelationId { get; init; }
}
