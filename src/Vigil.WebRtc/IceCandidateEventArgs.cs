namespace Vigil.WebRtc;

/// <summary>A local ICE candidate to trickle to the browser, or the end of gathering.</summary>
/// <remarks>Serialise as the W3C <c>RTCIceCandidateInit</c> JSON: <c>{"candidate":…,"sdpMid":…,"sdpMLineIndex":…,"usernameFragment":…}</c>.</remarks>
public sealed class IceCandidateEventArgs(string? candidate, string sdpMid, int sdpMLineIndex, string usernameFragment) : EventArgs
{
    /// <summary>The <c>candidate:…</c> attribute value, or null for end-of-candidates (send an empty candidate).</summary>
    public string? Candidate { get; } = candidate;

    /// <summary>The mid of the media section the candidate belongs to (the bundled video section).</summary>
    public string SdpMid { get; } = sdpMid;

    /// <summary>Index of that media section in the SDP.</summary>
    public int SdpMLineIndex { get; } = sdpMLineIndex;

    /// <summary>Our ice-ufrag.</summary>
    public string UsernameFragment { get; } = usernameFragment;

    /// <summary>True when this marks the end of gathering.</summary>
    public bool IsEndOfCandidates => Candidate is null;
}
