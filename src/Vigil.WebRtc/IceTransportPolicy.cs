namespace Vigil.WebRtc;

/// <summary>Which local candidates are offered (W3C <c>RTCIceTransportPolicy</c>).</summary>
public enum IceTransportPolicy
{
    /// <summary>Host, server-reflexive and relay candidates.</summary>
    All,

    /// <summary>Only relay candidates: all media goes through the TURN server (hides the camera's addresses).</summary>
    Relay,
}
