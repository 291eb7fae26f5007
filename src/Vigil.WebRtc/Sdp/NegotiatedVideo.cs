namespace Vigil.WebRtc.Sdp;

/// The video section we accepted and the codec chosen in it. RtpMap and Fmtp are the offer's
/// values, copied verbatim into the answer (design M2: a changed profile-level-id or missing
/// packetization-mode makes Chromium pick no decoder — sipsorcery #1363).
internal sealed record NegotiatedVideo(
    int MLineIndex,
    string Mid,
    byte PayloadType,
    string RtpMap,
    string? Fmtp,
    bool Nack,
    bool Pli,
    bool Fir,
    bool ReducedSizeRtcp);
