namespace Vigil.Contracts.Kvs.Signaling;

/// <summary>The payload of an offer or answer: the W3C <c>RTCSessionDescriptionInit</c>, <c>{"type":"offer","sdp":"v=0..."}</c>.</summary>
public sealed record SessionDescriptionPayload
{
    /// <summary><c>offer</c> or <c>answer</c>.</summary>
    public string? Type { get; init; }

    /// <summary>The SDP text.</summary>
    public string? Sdp { get; init; }
}
