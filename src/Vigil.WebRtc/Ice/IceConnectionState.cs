namespace Vigil.WebRtc.Ice;

/// <summary>State of the ICE agent (RFC 8445 §8.1.2 and the W3C RTCIceConnectionState names).</summary>
public enum IceConnectionState
{
    /// <summary>No remote description yet.</summary>
    New,

    /// <summary>Connectivity checks are running; no pair is selected yet.</summary>
    Checking,

    /// <summary>A pair is selected and consent is fresh.</summary>
    Connected,

    /// <summary>The selected pair has been silent for a while; it may recover.</summary>
    Disconnected,

    /// <summary>No pair worked, or consent expired (RFC 7675: 30 s without a response).</summary>
    Failed,

    /// <summary>The agent was shut down.</summary>
    Closed,
}
