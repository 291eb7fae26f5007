using System.Globalization;
using Vigil.WebRtc.H264;
using Vigil.WebRtc.Ice;

namespace Vigil.WebRtc.Sdp;

/// What an offer asks for and what we accept (JSEP, RFC 8829 §5.3.1 and §5.10): one sendonly
/// H.264 video section inside BUNDLE with rtcp-mux; every other section is rejected.
internal sealed class SdpNegotiation
{
    private SdpNegotiation(SdpSessionDescription offer, string ufrag, string pwd, IReadOnlyList<SdpFingerprint> fingerprints, NegotiatedVideo video)
    {
        Offer = offer;
        RemoteUfrag = ufrag;
        RemotePwd = pwd;
        RemoteFingerprints = fingerprints;
        Video = video;
    }

    public SdpSessionDescription Offer { get; }

    public string RemoteUfrag { get; }

    public string RemotePwd { get; }

    public IReadOnlyList<SdpFingerprint> RemoteFingerprints { get; }

    public NegotiatedVideo Video { get; }

    /// Candidates the offer carried itself (Chromium trickles them all, other peers may not).
    public IEnumerable<IceCandidate> OfferedCandidates =>
        Offer.Media[Video.MLineIndex].Values("candidate")
            .Select(v => IceCandidate.TryParse("candidate:" + v, out var c) ? c : null)
            .OfType<IceCandidate>();

    public bool OfferedEndOfCandidates => Offer.Media[Video.MLineIndex].Has("end-of-candidates") || Offer.Has("end-of-candidates");

    /// <param name="offer">The parsed offer.</param>
    /// <param name="profile">The H.264 profile of the stream we will send.</param>
    /// <param name="preferredPayloadType">On a re-offer, the payload type chosen before (kept when still offered).</param>
    public static SdpNegotiation Negotiate(SdpSessionDescription offer, H264Profile profile, byte? preferredPayloadType = null)
    {
        if (offer.Has("ice-lite"))
        {
            throw new SdpException("The offerer is ICE-lite; this agent is always the controlled side and needs a full-ICE offerer.");
        }

        var videoIndex = -1;
        for (var i = 0; i < offer.Media.Count; i++)
        {
            var m = offer.Media[i];
            if (m.Media == "video" && m.Port != 0 && m.IsRtp && m.Direction is "recvonly" or "sendrecv")
            {
                videoIndex = i;
                break;
            }
        }

        if (videoIndex < 0)
        {
            throw new SdpException("The offer has no video section that can receive (recvonly or sendrecv).");
        }

        var video = offer.Media[videoIndex];
        if (!video.Protocol.Equals("UDP/TLS/RTP/SAVPF", StringComparison.OrdinalIgnoreCase))
        {
            throw new SdpException($"Video protocol '{video.Protocol}' is not UDP/TLS/RTP/SAVPF.");
        }

        var bundle = offer.Values("group").FirstOrDefault(g => g.StartsWith("BUNDLE", StringComparison.Ordinal));
        if (video.Mid is null && offer.Media.Count > 1)
        {
            throw new SdpException("The video section has no a=mid.");
        }

        if (bundle is not null && video.Mid is not null && !bundle.Split(' ').Skip(1).Contains(video.Mid))
        {
            throw new SdpException("The video section is not in the offer's BUNDLE group.");
        }

        // RFC 8843 §7.3 + Chromium: BUNDLE requires rtcp-mux; we never open a separate RTCP port.
        if (!video.Has("rtcp-mux"))
        {
            throw new SdpException("The offer does not allow rtcp-mux.");
        }

        var ufrag = offer.MediaOrSession(video, "ice-ufrag") ?? throw new SdpException("The offer has no a=ice-ufrag.");
        var pwd = offer.MediaOrSession(video, "ice-pwd") ?? throw new SdpException("The offer has no a=ice-pwd.");
        var fingerprints = video.Values("fingerprint").Concat(offer.Values("fingerprint"))
            .Select(v => SdpFingerprint.TryParse(v, out var f) ? f : null).OfType<SdpFingerprint>().ToList();
        if (fingerprints.Count == 0)
        {
            throw new SdpException("The offer has no usable a=fingerprint (sha-1/256/384/512).");
        }

        // RFC 5763 §5 / RFC 8842: we answer a=setup:active (DTLS client). An offer that insists on
        // being the DTLS client itself would need us to be the server, which this sender does not do.
        var setup = offer.MediaOrSession(video, "setup") ?? "actpass";
        if (setup is not ("actpass" or "passive"))
        {
            throw new SdpException($"a=setup:{setup} in the offer; this sender can only be the DTLS client (setup:active).");
        }

        var chosen = ChoosePayloadType(video, profile, preferredPayloadType)
            ?? throw new SdpException($"The offer has no H.264 payload type with packetization-mode=1 for profile {profile}.");
        var feedback = video.RtcpFeedback(chosen).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var negotiated = new NegotiatedVideo(
            videoIndex,
            video.Mid ?? "0",
            byte.Parse(chosen, CultureInfo.InvariantCulture),
            video.RtpMap(chosen)!,
            video.Fmtp(chosen),
            feedback.Contains("nack"),
            feedback.Contains("nack pli"),
            feedback.Contains("ccm fir"),
            video.Has("rtcp-rsize"));
        return new SdpNegotiation(offer, ufrag, pwd, fingerprints, negotiated);
    }

    /// RFC 6184 §8.2.2: packetization-mode and profile must match; the level may differ when
    /// level-asymmetry-allowed (Chromium always offers it). First match in offer order wins.
    private static string? ChoosePayloadType(SdpMediaDescription video, H264Profile profile, byte? preferred)
    {
        var candidates = video.Formats.Where(pt =>
        {
            if (!byte.TryParse(pt, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value > 127)
            {
                return false;
            }

            var rtpmap = video.RtpMap(pt);
            if (rtpmap is null || !rtpmap.Equals("H264/90000", StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }

            var fmtp = SdpFmtp.Parse(video.Fmtp(pt));
            // RFC 6184 §8.1: a missing packetization-mode means 0 (single NAL unit only).
            if (!fmtp.TryGetValue("packetization-mode", out var mode) || mode != "1")
            {
                return false;
            }

            // RFC 6184 §8.1: without profile-level-id the default is 420010 (Constrained Baseline 1.0).
            var plid = fmtp.TryGetValue("profile-level-id", out var text) ? text : "42e00a";
            return H264ProfileLevelId.TryParse(plid, out var parsed) && parsed.Profile == profile;
        }).ToList();

        var preferredText = preferred?.ToString(CultureInfo.InvariantCulture);
        return candidates.Contains(preferredText!) ? preferredText : candidates.FirstOrDefault();
    }
}
