namespace Vigil.Contracts.Kvs.Signaling;

/// <summary>
/// The payload of an ICE candidate message: the W3C <c>RTCIceCandidateInit</c> the KVS SDKs send,
/// <c>{"candidate":"candidate:...","sdpMid":"0","sdpMLineIndex":0,"usernameFragment":"..."}</c>.
/// </summary>
public sealed record IceCandidatePayload
{
    /// <summary>The <c>candidate:…</c> line; empty marks the end of candidates.</summary>
    public string? Candidate { get; init; }

    /// <summary>The media section's <c>a=mid</c>.</summary>
    public string? SdpMid { get; init; }

    /// <summary>The media section's index.</summary>
    public int? SdpMLineIndex { get; init; }

    /// <summary>The sender's ICE ufrag (browsers add it).</summary>
    public string? UsernameFragment { get; init; }
}
