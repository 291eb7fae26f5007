using System.Text.Json;
using Microsoft.Playwright;

namespace Vigil.TestSupport;

/// <summary>
/// A live-view page as an app built on the KVS WebRTC JS SDK has it: the SDK's browser bundle
/// (<c>kvs-webrtc.min.js</c>) as VIEWER, following the SDK's own viewer example (open the signaling
/// client, then offer to receive video and audio, trickle candidates both ways), the track in a muted
/// <c>&lt;video&gt;</c>, <c>requestVideoFrameCallback</c> for the first frame shown.
/// </summary>
/// <remarks>
/// The page is served on its own origin, <see cref="Origin"/> (answered by Playwright's router, no
/// server): a secure context for the SDK's WebCrypto signing, and not Vigil's origin, so the browser
/// holds no HTTP/2 connection to Vigil that it could send the signaling WebSocket over (RFC 8441);
/// the WebSocket is a plain HTTP/1.1 upgrade, as for an app served from anywhere else.
/// </remarks>
public sealed class KvsViewerPage : IAsyncDisposable
{
    /// <summary>The page's origin.</summary>
    public const string Origin = "https://viewer.vigil.test";

    private const string Html = """
        <!doctype html>
        <html><head><meta charset="utf-8"><title>Vigil live view (KVS WebRTC SDK)</title></head>
        <body><script src="/kvs-webrtc.min.js"></script><script src="/viewer.js"></script></body></html>
        """;

    private const string Script = """
        window.viewer = { log: [], clickAt: null, openAt: null, answerAt: null, firstFrameAt: null, framesShown: 0 };
        window.startViewer = (config, render) => {
          // A page may join again after leaving: everything from the last time goes.
          if (window.viewer.video) window.viewer.video.remove();
          const v = window.viewer = { log: [], clickAt: performance.now(), openAt: null, answerAt: null, firstFrameAt: null, framesShown: 0 };
          const signaling = new KVSWebRTC.SignalingClient({
            channelARN: config.channelArn, channelEndpoint: config.wssEndpoint, clientId: config.clientId,
            role: KVSWebRTC.Role.VIEWER, region: config.region,
            credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey, sessionToken: config.sessionToken || undefined },
            systemClockOffset: 0,
          });
          const pc = new RTCPeerConnection({ iceServers: config.iceServers, iceTransportPolicy: config.iceTransportPolicy });
          v.pc = pc; v.signaling = signaling;
          signaling.on('open', async () => {
            v.openAt = performance.now();
            pc.addTransceiver('video', { direction: 'recvonly' });
            pc.addTransceiver('audio', { direction: 'recvonly' });
            await pc.setLocalDescription(await pc.createOffer());
            signaling.sendSdpOffer(pc.localDescription);
          });
          signaling.on('sdpAnswer', async (answer) => {
            v.answerAt = performance.now();
            try { await pc.setRemoteDescription(answer); } catch (e) { v.log.push('setRemoteDescription: ' + e); }
          });
          signaling.on('iceCandidate', (candidate) => pc.addIceCandidate(candidate).catch(e => v.log.push('addIceCandidate: ' + e)));
          signaling.on('statusResponse', (s) => v.log.push('statusResponse: ' + JSON.stringify(s)));
          signaling.on('close', () => v.log.push('signaling closed'));
          signaling.on('error', (e) => v.log.push('signaling error: ' + (e && e.message || e)));
          pc.addEventListener('icecandidate', ({ candidate }) => { if (candidate) signaling.sendIceCandidate(candidate); });
          pc.addEventListener('track', (e) => {
            if (e.track.kind !== 'video' || v.video || render === false) return;
            const video = document.createElement('video');
            video.muted = true; video.autoplay = true; video.playsInline = true; video.width = 320;
            video.srcObject = e.streams[0] || new MediaStream([e.track]);
            document.body.appendChild(video);
            v.video = video;
            const onFrame = (now) => { if (v.firstFrameAt === null) v.firstFrameAt = now; v.framesShown++; video.requestVideoFrameCallback(onFrame); };
            video.requestVideoFrameCallback(onFrame);
            video.play().catch(err => v.log.push('play: ' + err));
          });
          signaling.open();
        };
        window.stopViewer = () => { const v = window.viewer; if (v.pc) v.pc.close(); if (v.signaling) v.signaling.close(); };
        window.viewerTimes = () => JSON.stringify({
          open: viewer.openAt === null ? null : viewer.openAt - viewer.clickAt,
          answer: viewer.answerAt === null ? null : viewer.answerAt - viewer.clickAt,
          firstFrame: viewer.firstFrameAt === null ? null : viewer.firstFrameAt - viewer.clickAt,
          framesShown: viewer.framesShown, log: viewer.log });
        """;

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, PropertyNameCaseInsensitive = true };
    private readonly IPage _page;

    private KvsViewerPage(IPage page) => _page = page;

    /// <summary>The Playwright page.</summary>
    public IPage Page => _page;

    /// <summary>Opens the page (no connection yet).</summary>
    public static async Task<KvsViewerPage> OpenAsync(HeadlessChromium chromium)
    {
        ArgumentNullException.ThrowIfNull(chromium);
        var sdk = await File.ReadAllTextAsync(KvsWebRtcSdk.BundlePath());
        var page = await chromium.Browser.NewPageAsync();
        await page.RouteAsync(Origin + "/**", route => route.Request.Url switch
        {
            var url when url.EndsWith("/kvs-webrtc.min.js", StringComparison.Ordinal) => route.FulfillAsync(new() { ContentType = "text/javascript", Body = sdk }),
            var url when url.EndsWith("/viewer.js", StringComparison.Ordinal) => route.FulfillAsync(new() { ContentType = "text/javascript", Body = WebRtcStatsScript.Script + "\n" + Script }),
            _ => route.FulfillAsync(new() { ContentType = "text/html", Body = Html }),
        });
        await page.NavigateAsync(Origin + "/");
        // The newest page in front: Chromium does not paint a page behind another one, and then
        // requestVideoFrameCallback (the first frame shown) never runs although frames are decoded
        // (seen once: 36 frames decoded, none shown).
        await page.BringToFrontAsync();
        await page.WaitForFunctionAsync("() => typeof window.startViewer === 'function' && typeof KVSWebRTC === 'object'");
        return new KvsViewerPage(page);
    }

    /// <summary>The viewer's click: the SDK opens the signaling channel and the offer goes out when it is open.</summary>
    /// <param name="config">Channel, endpoint, credentials, ICE servers.</param>
    /// <param name="render">Show the video (and time the first frame). Without, Chromium receives but does not decode: for load runs where the browser's CPU is not the subject.</param>
    public Task StartAsync(KvsViewerConfig config, bool render = true) =>
        _page.EvaluateAsync("([c, r]) => window.startViewer(JSON.parse(c), r)", new object[] { JsonSerializer.Serialize(config, Json), render });

    /// <summary>Milliseconds from the click to the signaling socket open, the answer and the first frame shown (null until they happen), and the page's log.</summary>
    public async Task<KvsViewerTimes> TimesAsync() =>
        JsonSerializer.Deserialize<KvsViewerTimes>(await _page.EvaluateAsync<string>("() => window.viewerTimes()"), Json)!;

    /// <summary>Reads the peer connection's stats.</summary>
    public async Task<WebRtcViewerStats> StatsAsync() =>
        JsonSerializer.Deserialize<WebRtcViewerStats>(await _page.EvaluateAsync<string>("() => window.viewer.pc ? window.vigilStatsOf(window.viewer.pc) : '{}'"), Json)!;

    /// <summary>Polls the stats every 250 ms until <paramref name="done"/> holds or the timeout passes; returns the last stats either way.</summary>
    public async Task<WebRtcViewerStats> WaitForAsync(Func<WebRtcViewerStats, bool> done, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(done);
        var started = TimeProvider.System.GetTimestamp();
        var stats = await StatsAsync();
        while (!done(stats) && TimeProvider.System.GetElapsedTime(started) < timeout)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
            stats = await StatsAsync();
        }

        return stats;
    }

    /// <summary>Leaves: closes the peer connection and the signaling client, as a viewer closing the view does.</summary>
    public Task StopAsync() => _page.EvaluateAsync("() => window.stopViewer()");

    /// <summary>Closes the page (and with it the connection, without a goodbye if <see cref="StopAsync"/> was not called).</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await _page.CloseAsync();
        }
        catch (PlaywrightException)
        {
            // The browser is gone already.
        }
    }
}

/// <summary>What <see cref="KvsViewerPage.TimesAsync"/> reports, in milliseconds after the click.</summary>
/// <param name="Open">The signaling WebSocket opened.</param>
/// <param name="Answer">The SDP answer arrived.</param>
/// <param name="FirstFrame">The first frame was shown (<c>requestVideoFrameCallback</c>).</param>
/// <param name="FramesShown">Frames shown so far.</param>
/// <param name="Log">Errors and events the page noted.</param>
public sealed record KvsViewerTimes(double? Open, double? Answer, double? FirstFrame, long FramesShown, IReadOnlyList<string> Log);
