using System.Globalization;
using System.Text;

namespace Vigil.WebRtc.Sdp;

/// Writes the answer (JSEP RFC 8829 §5.3.1) with the rules Chromium enforces (design M2 table):
/// setup:active, ICE credentials of legal length, rtcp-mux, the offer's m-line order and mids,
/// the chosen payload type's rtpmap/fmtp copied verbatim, nack/pli/fir feedback, sendonly, no
/// extmap, and every other section rejected with port 0 and left out of BUNDLE.
internal static class SdpAnswerBuilder
{
    public static string Build(SdpNegotiation negotiation, SdpAnswerParameters local)
    {
        var offer = negotiation.Offer;
        var video = negotiation.Video;
        var sdp = new StringBuilder(1024);
        Line(sdp, "v=0");
        Line(sdp, $"o=- {local.SessionId} {local.Version} IN IP4 0.0.0.0");
        Line(sdp, "s=-");
        Line(sdp, "t=0 0");
        Line(sdp, $"a=group:BUNDLE {video.Mid}");
        Line(sdp, $"a=msid-semantic: WMS {local.StreamId}");

        for (var i = 0; i < offer.Media.Count; i++)
        {
            var m = offer.Media[i];
            if (i != video.MLineIndex)
            {
                // RFC 8829 §5.3.1 / RFC 8843 §7.3.3: a rejected section has port 0, keeps its mid
                // and one format, and is not part of the BUNDLE group.
                var format = m.Formats[0];
                Line(sdp, $"m={m.Media} 0 {m.Protocol} {format}");
                Line(sdp, "c=IN IP4 0.0.0.0");
                if (m.Mid is not null)
                {
                    Line(sdp, $"a=mid:{m.Mid}");
                }

                Line(sdp, "a=inactive");
                if (m.IsRtp && m.RtpMap(format) is { } rejectedMap)
                {
                    Line(sdp, $"a=rtpmap:{format} {rejectedMap}");
                }

                continue;
            }

            var pt = video.PayloadType.ToString(CultureInfo.InvariantCulture);
            Line(sdp, $"m=video 9 UDP/TLS/RTP/SAVPF {pt}");
            Line(sdp, "c=IN IP4 0.0.0.0");
            Line(sdp, "a=rtcp:9 IN IP4 0.0.0.0");
            Line(sdp, $"a=ice-ufrag:{local.IceUfrag}");
            Line(sdp, $"a=ice-pwd:{local.IcePwd}");
            Line(sdp, "a=ice-options:trickle");
            Line(sdp, $"a=fingerprint:{local.Fingerprint}");
            Line(sdp, "a=setup:active");
            Line(sdp, $"a=mid:{video.Mid}");
            Line(sdp, "a=sendonly");
            Line(sdp, "a=rtcp-mux");
            if (video.ReducedSizeRtcp)
            {
                Line(sdp, "a=rtcp-rsize");
            }

            Line(sdp, $"a=rtpmap:{pt} {video.RtpMap}");
            if (video.Nack)
            {
                Line(sdp, $"a=rtcp-fb:{pt} nack");
            }

            if (video.Pli)
            {
                Line(sdp, $"a=rtcp-fb:{pt} nack pli");
            }

            if (video.Fir)
            {
                Line(sdp, $"a=rtcp-fb:{pt} ccm fir");
            }

            if (video.Fmtp is not null)
            {
                Line(sdp, $"a=fmtp:{pt} {video.Fmtp}");
            }

            Line(sdp, $"a=msid:{local.StreamId} {local.TrackId}");
            Line(sdp, $"a=ssrc:{local.Ssrc} cname:{local.Cname}");
            Line(sdp, $"a=ssrc:{local.Ssrc} msid:{local.StreamId} {local.TrackId}");
        }

        return sdp.ToString();
    }

    private static void Line(StringBuilder sdp, string line) => sdp.Append(line).Append("\r\n");
}
