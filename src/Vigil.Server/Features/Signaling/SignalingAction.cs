namespace Vigil.Server.Features.Signaling;

/// <summary>The <c>action</c> of a client message, which becomes the <c>messageType</c> the recipient sees.</summary>
internal enum SignalingAction
{
    SdpOffer,
    SdpAnswer,
    IceCandidate,
}
