namespace Vigil.WebRtc;

/// <summary>Overall state of a <see cref="WebRtcPeerConnection"/> (W3C <c>RTCPeerConnectionState</c> names).</summary>
public enum PeerConnectionState
{
    /// <summary>Created; no offer accepted yet.</summary>
    New,

    /// <summary>ICE checks or the DTLS handshake are running.</summary>
    Connecting,

    /// <summary>ICE has a selected pair and DTLS-SRTP is up: media flows.</summary>
    Connected,

    /// <summary>The selected pair went silent; it may come back.</summary>
    Disconnected,

    /// <summary>ICE failed, consent expired or DTLS failed. Dispose the connection.</summary>
    Failed,

    /// <summary>Disposed, or the browser closed DTLS (close_notify).</summary>
    Closed,
}
