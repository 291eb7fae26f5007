using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Playwright;
using Vigil.TestSupport;

namespace Vigil.WebRtc.Tests.Interop;

/// A viewer page in headless Chromium wired to a WebRtcPeerConnection through in-process
/// signaling: the page offers recvonly video (+ audio, which the camera rejects), candidates
/// trickle both ways, and getStats() is polled for assertions.
internal sealed class ChromiumViewer : IAsyncDisposable
{
    private const string PageScript = """
        window.vigil = { log: [] };
        window.vigilStart = async (configJson) => {
          const config = JSON.parse(configJson);
          const pc = new RTCPeerConnection(config);
          window.pc = pc;
          pc.addTransceiver('video', { direction: 'recvonly' });
          pc.addTransceiver('audio', { direction: 'recvonly' });
          pc.onicecandidate = e => window.vigilCandidate(e.candidate ? JSON.stringify(e.candidate.toJSON()) : '');
          pc.ontrack = e => {
            if (e.track.kind !== 'video') return;
            const v = document.createElement('video');
            v.muted = true; v.autoplay = true; v.playsInline = true;
            v.srcObject = e.streams[0] || new MediaStream([e.track]);
            document.body.appendChild(v);
            v.play().catch(err => window.vigil.log.push('play: ' + err));
          };
          const offer = await pc.createOffer();
          await pc.setLocalDescription(offer);
          return pc.localDescription.sdp;
        };
        window.vigilAnswer = async (sdp) => { await window.pc.setRemoteDescription({ type: 'answer', sdp }); };
        window.vigilAddCandidate = async (json) => {
          const c = JSON.parse(json);
          await window.pc.addIceCandidate(c.candidate ? c : { candidate: '', sdpMid: c.sdpMid, sdpMLineIndex: c.sdpMLineIndex });
        };
        window.vigilStats = async () => {
          const report = await window.pc.getStats();
          const s = { iceState: window.pc.iceConnectionState, connectionState: window.pc.connectionState };
          let transport, inbound, codecs = {};
          report.forEach(r => {
            if (r.type === 'inbound-rtp' && r.kind === 'video') inbound = r;
            if (r.type === 'transport') transport = r;
            if (r.type === 'codec') codecs[r.id] = r;
          });
          if (inbound) {
            Object.assign(s, {
              framesDecoded: inbound.framesDecoded || 0, keyFramesDecoded: inbound.keyFramesDecoded || 0,
              framesDropped: inbound.framesDropped || 0, freezeCount: inbound.freezeCount || 0,
              packetsReceived: inbound.packetsReceived || 0, packetsLost: inbound.packetsLost || 0,
              nackCount: inbound.nackCount || 0, pliCount: inbound.pliCount || 0, firCount: inbound.firCount || 0,
              frameWidth: inbound.frameWidth || 0, frameHeight: inbound.frameHeight || 0 });
            const codec = codecs[inbound.codecId];
            if (codec) { s.mimeType = codec.mimeType; s.sdpFmtpLine = codec.sdpFmtpLine; }
          }
          if (transport) {
            Object.assign(s, { dtlsState: transport.dtlsState, dtlsRole: transport.dtlsRole, srtpCipher: transport.srtpCipher, tlsVersion: transport.tlsVersion });
            const pair = report.get(transport.selectedCandidatePairId);
            if (pair) {
              s.pairState = pair.state; s.pairNominated = !!pair.nominated;
              const local = report.get(pair.localCandidateId), remote = report.get(pair.remoteCandidateId);
              s.localCandidateType = local && local.candidateType; s.remoteCandidateType = remote && remote.candidateType;
            }
          }
          return JSON.stringify(s);
        };
        true; // Playwright calls the script's value if it is a function; make it not one
        """;

    private static readonly JsonSerializerOptions Json = new() { PropertyNameCaseInsensitive = true };
    private readonly IPage _page;
    private readonly Channel<string> _toBrowser = Channel.CreateUnbounded<string>();
    private readonly CancellationTokenSource _stop = new();
    private Task? _pump;

    private ChromiumViewer(IPage page) => _page = page;

    public IPage Page => _page;

    public List<string> BrowserCandidates { get; } = [];

    /// Creates the page, the browser's offer, answers it with `camera`, and starts trickling both ways.
    public static async Task<ChromiumViewer> ConnectAsync(HeadlessChromium chromium, WebRtcPeerConnection camera, object rtcConfiguration, CancellationToken ct)
    {
        var page = await chromium.Browser.NewPageAsync();
        var viewer = new ChromiumViewer(page);
        camera.LocalCandidate += (_, e) => viewer._toBrowser.Writer.TryWrite(JsonSerializer.Serialize(new
        {
            candidate = e.Candidate ?? string.Empty,
            sdpMid = e.SdpMid,
            sdpMLineIndex = e.SdpMLineIndex,
            usernameFragment = e.UsernameFragment,
        }));
        await page.ExposeFunctionAsync("vigilCandidate", (string json) =>
        {
            lock (viewer.BrowserCandidates)
            {
                viewer.BrowserCandidates.Add(json);
            }

            var candidate = json.Length == 0 ? null : JsonDocument.Parse(json).RootElement.GetProperty("candidate").GetString();
            camera.AddRemoteCandidate(candidate);
        });
        await page.EvaluateAsync(PageScript);
        var offer = await page.EvaluateAsync<string>("c => window.vigilStart(c)", JsonSerializer.Serialize(rtcConfiguration));
        var answer = await camera.AcceptOfferAsync(offer, ct);
        await page.EvaluateAsync("sdp => window.vigilAnswer(sdp)", answer);
        viewer._pump = viewer.PumpAsync();
        return viewer;
    }

    public async Task<BrowserStats> StatsAsync()
    {
        var json = await _page.EvaluateAsync<string>("() => window.vigilStats()");
        return JsonSerializer.Deserialize<BrowserStats>(json, Json)!;
    }

    /// Polls getStats until `done` holds or the timeout passes; returns the last stats either way.
    public async Task<BrowserStats> WaitForAsync(Func<BrowserStats, bool> done, TimeSpan timeout, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        var stats = await StatsAsync();
        while (!done(stats) && !deadline.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500), deadline.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            stats = await StatsAsync();
        }

        ct.ThrowIfCancellationRequested();
        return stats;
    }

    private async Task PumpAsync()
    {
        try
        {
            await foreach (var json in _toBrowser.Reader.ReadAllAsync(_stop.Token))
            {
                await _page.EvaluateAsync("j => window.vigilAddCandidate(j)", json);
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or PlaywrightException)
        {
            // Closing.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_pump is not null)
        {
            await _pump;
        }

        try
        {
            await _page.EvaluateAsync("() => window.pc && window.pc.close()");
            await _page.CloseAsync();
        }
        catch (PlaywrightException)
        {
            // Browser already gone.
        }

        _stop.Dispose();
    }
}
