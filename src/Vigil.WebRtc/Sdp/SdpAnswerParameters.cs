namespace Vigil.WebRtc.Sdp;

/// Local parameters of an answer.
internal sealed record SdpAnswerParameters(
    ulong SessionId,
    ulong Version,
    string IceUfrag,
    string IcePwd,
    string Fingerprint,
    uint Ssrc,
    string Cname,
    string StreamId,
    string TrackId);
