using System.Text;
using Vigil.WebRtc.H264;
using Vigil.WebRtc.Sdp;

namespace Vigil.Fuzz.Targets;

/// <summary>
/// A viewer's SDP offer, as the camera agent answers it: parse, negotiate (JSEP), then read what the
/// answer is built from. Documented refusal: <see cref="SdpException"/> (a malformed offer, or one
/// this sender cannot answer).
/// </summary>
internal static class SdpHarness
{
    public static void Run(ReadOnlySpan<byte> data)
    {
        var text = Encoding.UTF8.GetString(data);
        try
        {
            var offer = SdpSessionDescription.Parse(text);
            var negotiation = SdpNegotiation.Negotiate(offer, H264Profile.ConstrainedBaseline);
            _ = negotiation.OfferedCandidates.Count();
            _ = negotiation.OfferedEndOfCandidates;
            _ = negotiation.Video.ToString();
        }
        catch (SdpException)
        {
        }
    }
}
