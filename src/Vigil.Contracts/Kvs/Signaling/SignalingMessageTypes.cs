namespace Vigil.Contracts.Kvs.Signaling;

/// <summary>The <c>action</c> and <c>messageType</c> values of the signaling WebSocket.</summary>
public static class SignalingMessageTypes
{
    /// <summary>A viewer's offer.</summary>
    public const string SdpOffer = "SDP_OFFER";

    /// <summary>The master's answer.</summary>
    public const string SdpAnswer = "SDP_ANSWER";

    /// <summary>A trickled ICE candidate, either way.</summary>
    public const string IceCandidate = "ICE_CANDIDATE";

    /// <summary>The service is about to close the connection: reconnect.</summary>
    public const string GoAway = "GO_AWAY";

    /// <summary>The ICE server configuration changed: fetch it again.</summary>
    public const string ReconnectIceServer = "RECONNECT_ICE_SERVER";

    /// <summary>A message with a correlation id was refused.</summary>
    public const string StatusResponse = "STATUS_RESPONSE";
}
