using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Playwright;

namespace Vigil.TestSupport;

/// <summary>
/// A WebRTC viewer page in headless Chromium: it offers to receive video (recvonly, plus an audio transceiver),
/// trickles candidates both ways through delegates the test provides, renders the track in a muted
/// <c>&lt;video&gt;</c> element and exposes <c>getStats()</c> for assertions.
/// </summary>
/// <remarks>
/// The signaling is in-process: <c>answerOffer</c> receives the browser's offer and returns the answer;
/// browser candidates go to <c>onBrowserCandidate</c> (an empty string marks end-of-candidates);
/// <see cref="AddCandidate"/> passes the sender's candidates (W3C <c>RTCIceCandidateInit</c> JSON) to the browser.
/// </remarks>
public sealed class WebRtcViewerPage : IAsyncDisposable
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
        window.vigilStats = () => window.vigilStatsOf(window.pc);
        true; // Playwright calls the script's value if it is a function; make it not one
        """;

    private static readonly JsonSerializerOptions Json = new() { PropertyNameCaseInsensitive = true };
    private readonly IPage _page;
    private readonly Channel<string> _toBrowser = Channel.CreateUnbounded<string>();
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly List<string> _browserCandidates = [];
    private Task? _pump;

    private WebRtcViewerPage(IPage page) => _page = page;

    /// <summary>The Playwright page.</summary>
    public IPage Page => _page;

    /// <summary>Candidates the browser trickled so far (JSON, empty string = end-of-candidates).</summary>
    public IReadOnlyList<string> BrowserCandidates
    {
        get
        {
            lock (_gate)
            {
                return [.. _browserCandidates];
            }
        }
    }

    /// <summary>Opens the page, creates the browser's offer, gets the answer and starts trickling.</summary>
    /// <param name="chromium">The browser.</param>
    /// <param name="rtcConfiguration">The <c>RTCConfiguration</c> (serialised to JSON), e.g. <c>new { iceServers = …, iceTransportPolicy = "relay" }</c>.</param>
    /// <param name="answerOffer">Takes the offer SDP, returns the answer SDP.</param>
    /// <param name="onBrowserCandidate">Receives each browser candidate string (<c>candidate:…</c>), or an empty string at the end.</param>
    public static async Task<WebRtcViewerPage> OpenAsync(
        HeadlessChromium chromium, object rtcConfiguration, Func<string, Task<string>> answerOffer, Action<string> onBrowserCandidate)
    {
        ArgumentNullException.ThrowIfNull(chromium);
        ArgumentNullException.ThrowIfNull(answerOffer);
        ArgumentNullException.ThrowIfNull(onBrowserCandidate);
        var page = await chromium.Browser.NewPageAsync();
        var viewer = new WebRtcViewerPage(page);
        await page.ExposeFunctionAsync("vigilCandidate", (string json) =>
        {
            lock (viewer._gate)
            {
                viewer._browserCandidates.Add(json);
            }

            onBrowserCandidate(json.Length == 0 ? string.Empty : JsonDocument.Parse(json).RootElement.GetProperty("candidate").GetString() ?? string.Empty);
        });
        await page.EvaluateAsync(WebRtcStatsScript.Script);
        await page.EvaluateAsync(PageScript);
        var offer = await page.EvaluateAsync<string>("c => window.vigilStart(c)", JsonSerializer.Serialize(rtcConfiguration));
        var answer = await answerOffer(offer);
        await page.EvaluateAsync("sdp => window.vigilAnswer(sdp)", answer);
        viewer._pump = viewer.PumpAsync();
        return viewer;
    }

    /// <summary>Queues a sender candidate for the browser (null candidate = end-of-candidates).</summary>
    public void AddCandidate(string? candidate, string sdpMid, int sdpMLineIndex, string? usernameFragment) =>
        _toBrowser.Writer.TryWrite(JsonSerializer.Serialize(new { candidate = candidate ?? string.Empty, sdpMid, sdpMLineIndex, usernameFragment }));

    /// <summary>Reads the current stats.</summary>
    public async Task<WebRtcViewerStats> StatsAsync()
    {
        var json = await _page.EvaluateAsync<string>("() => window.vigilStats()");
        return JsonSerializer.Deserialize<WebRtcViewerStats>(json, Json)!;
    }

    /// <summary>Polls the stats every 500 ms until <paramref name="done"/> holds or the timeout passes; returns the last stats either way.</summary>
    public async Task<WebRtcViewerStats> WaitForAsync(Func<WebRtcViewerStats, bool> done, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(done);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
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

        cancellationToken.ThrowIfCancellationRequested();
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

    /// <summary>Closes the peer connection and the page.</summary>
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
