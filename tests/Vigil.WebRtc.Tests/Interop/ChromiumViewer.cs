using Vigil.TestSupport;

namespace Vigil.WebRtc.Tests.Interop;

/// Wires a WebRtcViewerPage to a WebRtcPeerConnection with in-process signaling.
internal static class ChromiumViewer
{
    public static Task<WebRtcViewerPage> ConnectAsync(HeadlessChromium chromium, WebRtcPeerConnection camera, object rtcConfiguration, CancellationToken ct)
    {
        WebRtcViewerPage? page = null;
        var early = new List<IceCandidateEventArgs>();
        camera.LocalCandidate += (_, e) =>
        {
            lock (early)
            {
                if (page is null)
                {
                    early.Add(e);
                    return;
                }
            }

            page.AddCandidate(e.Candidate, e.SdpMid, e.SdpMLineIndex, e.UsernameFragment);
        };
        return OpenAsync();

        async Task<WebRtcViewerPage> OpenAsync()
        {
            var opened = await WebRtcViewerPage.OpenAsync(chromium, rtcConfiguration, offer => camera.AcceptOfferAsync(offer, ct), c => camera.AddRemoteCandidate(c));
            lock (early)
            {
                page = opened;
                foreach (var e in early)
                {
                    page.AddCandidate(e.Candidate, e.SdpMid, e.SdpMLineIndex, e.UsernameFragment);
                }
            }

            return opened;
        }
    }
}
