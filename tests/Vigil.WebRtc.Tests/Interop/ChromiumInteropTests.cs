using Microsoft.Extensions.Logging;
using Vigil.TestSupport;
using Vigil.WebRtc.Ice;
using Vigil.WebRtc.Srtp;
using Vigil.WebRtc.Turn;

namespace Vigil.WebRtc.Tests.Interop;

/// The sender against real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright),
/// each test in its own network namespace joined by a veth pair: Chromium gathers no candidates
/// on a loopback-only host, and all traffic stays inside what the test created. The camera binds
/// the host end of the pair; coturn, when used, runs inside the namespace.
[Collection(InteropCollection.Name)]
public sealed class ChromiumInteropTests
{
    private static readonly H264ClipOptions Clip = new(Width: 320, Height: 240, FramesPerSecond: 30, Seconds: 4, GopFrames: 30, BitrateKbps: 400);

    [Fact]
    public async Task Host_candidates_with_raw_ips_stream_h264_that_chromium_decodes_across_a_sequence_rollover()
    {
        await using var run = await InteropRun.StartAsync(hideMdns: false, track: new VideoTrackSettings { InitialSequenceNumber = 65400 });

        var stats = await run.Viewer.WaitForAsync(s => s.FramesDecoded >= 100, TimeSpan.FromSeconds(40), run.Token);
        run.Report(stats);

        AssertDecodedH264(stats);
        Assert.Equal("host", stats.LocalCandidateType);
        Assert.Equal("host", stats.RemoteCandidateType);
        var ours = run.Camera.GetStats();
        Assert.Equal(PeerConnectionState.Connected, ours.State);
        Assert.Equal(IceCandidateType.Host, ours.SelectedLocalCandidateType);
        Assert.Equal(IceCandidateType.Host, ours.SelectedRemoteCandidateType);
        // Started at 65400: more than 136 packets means the ROC went from 0 to 1 while Chromium decoded.
        Assert.True(ours.PacketsSent > 200, $"only {ours.PacketsSent} packets: no rollover");
        Assert.True(ours.SenderReportsSent > 0);
    }

    [Fact]
    public async Task Aes_128_gcm_offered_alone_is_negotiated_and_chromium_decodes_it()
    {
        // Chromium 156 picks AES-CM when both are offered (as DTLS server its own order wins), so
        // GCM is offered alone here to prove that Chromium decrypts our AEAD_AES_128_GCM SRTP.
        await using var run = await InteropRun.StartAsync(hideMdns: false, srtpProfiles: [SrtpProfile.AeadAes128Gcm]);

        var stats = await run.Viewer.WaitForAsync(s => s.FramesDecoded >= 100, TimeSpan.FromSeconds(40), run.Token);
        run.Report(stats);

        AssertDecodedH264(stats, "SRTP_AEAD_AES_128_GCM");
        Assert.Equal(SrtpProfile.AeadAes128Gcm, run.Camera.GetStats().SrtpProfile);
    }

    [Fact]
    public async Task Default_mdns_host_candidates_are_reached_through_a_learned_peer_reflexive_candidate()
    {
        await using var run = await InteropRun.StartAsync(hideMdns: true);

        var stats = await run.Viewer.WaitForAsync(s => s.FramesDecoded >= 100, TimeSpan.FromSeconds(40), run.Token);
        run.Report(stats);

        AssertDecodedH264(stats);
        Assert.All(run.Viewer.BrowserCandidates.Where(c => c.Length > 0), c => Assert.Contains(".local", c, StringComparison.Ordinal));
        var ours = run.Camera.GetStats();
        Assert.Equal(IceCandidateType.PeerReflexive, ours.SelectedRemoteCandidateType);
        Assert.Equal("host", stats.RemoteCandidateType);
    }

    [Fact]
    public async Task Relay_only_on_both_sides_through_coturn_streams_h264()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var run = await InteropRun.StartAsync(hideMdns: true, turn: true, relayOnly: true);

        var stats = await run.Viewer.WaitForAsync(s => s.FramesDecoded >= 100, TimeSpan.FromSeconds(40), ct);
        run.Report(stats);

        AssertDecodedH264(stats);
        Assert.Equal("relay", stats.LocalCandidateType);
        Assert.Equal("relay", stats.RemoteCandidateType);
        var ours = run.Camera.GetStats();
        Assert.Equal(IceCandidateType.Relay, ours.SelectedLocalCandidateType);
        Assert.Equal(IceCandidateType.Relay, ours.SelectedRemoteCandidateType);
        Assert.True(run.Camera.UsesTurnChannel, "media did not move to a TURN channel (ChannelBind)");
    }

    [Fact]
    public async Task Three_percent_udp_loss_is_repaired_by_nack_retransmissions()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var run = await InteropRun.StartAsync(hideMdns: false, loss: 3);

        var first = await run.Viewer.WaitForAsync(s => s.FramesDecoded >= 60, TimeSpan.FromSeconds(40), ct);
        var stats = await run.Viewer.WaitForAsync(s => s.FramesDecoded >= first.FramesDecoded + 300 && s.NackCount > 0, TimeSpan.FromSeconds(40), ct);
        run.Report(stats);
        var ours = run.Camera.GetStats();
        var dropped = await run.Namespace.DroppedPacketsAsync(ct);
        TestContext.Current.TestOutputHelper!.WriteLine($"nft dropped {dropped} datagrams");

        AssertDecodedH264(stats);
        Assert.True(dropped > 0, "the loss rule dropped nothing");
        Assert.True(stats.NackCount > 0, "Chromium sent no NACK");
        Assert.True(ours.NacksReceived > 0 && ours.RetransmittedPackets > 0, $"NACKs {ours.NacksReceived}, retransmitted {ours.RetransmittedPackets}");
        Assert.True(stats.FramesDecoded >= first.FramesDecoded + 300, "the picture stopped under loss");
    }

    /// Timing-sensitive: Chromium counts a freeze when one frame is ~180 ms late, which a starved
    /// 2-core host causes by itself; test.sh runs tests with this trait alone, after the rest.
    [Fact]
    [Trait(TestSchedule.Trait, TestSchedule.Alone)]
    public async Task Ninety_seconds_without_a_freeze_consent_keeps_the_session_alive()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var run = await InteropRun.StartAsync(hideMdns: true);
        var previous = await run.Viewer.WaitForAsync(s => s.FramesDecoded >= 30, TimeSpan.FromSeconds(40), ct);
        var samples = new List<long> { previous.FramesDecoded };
        for (var i = 0; i < 9; i++)
        {
            await Task.Delay(TimeSpan.FromSeconds(10), ct);
            var now = await run.Viewer.StatsAsync();
            samples.Add(now.FramesDecoded);
            // 30 fps: a 10 s window without a stall decodes ~300 frames.
            Assert.True(now.FramesDecoded - previous.FramesDecoded >= 250, $"only {now.FramesDecoded - previous.FramesDecoded} frames in 10 s at {(i + 1) * 10} s: {now}");
            Assert.Equal("connected", now.IceState);
            previous = now;
        }

        run.Report(previous);
        TestContext.Current.TestOutputHelper!.WriteLine("framesDecoded every 10 s: " + string.Join(", ", samples));
        var ours = run.Camera.GetStats();
        Assert.Equal(PeerConnectionState.Connected, ours.State);
        Assert.True(ours.ConsentResponses >= 14, $"only {ours.ConsentResponses} consent responses in 90 s");
        Assert.True(previous.FreezeCount <= 1, $"{previous}; longest gap between written frames {run.Pump.LongestGap.TotalMilliseconds:F0} ms");
    }

    private static void AssertDecodedH264(WebRtcViewerStats stats, string srtpCipher = "SRTP_AES128_CM_HMAC_SHA1_80")
    {
        Assert.True(stats.FramesDecoded >= 100, stats.ToString());
        Assert.True(stats.KeyFramesDecoded >= 1, stats.ToString());
        Assert.Equal((320, 240), (stats.FrameWidth, stats.FrameHeight));
        Assert.Equal("video/H264", stats.MimeType);
        Assert.Contains("packetization-mode=1", stats.SdpFmtpLine, StringComparison.Ordinal);
        Assert.Equal("connected", stats.DtlsState);
        Assert.Equal("server", stats.DtlsRole);
        Assert.Equal(srtpCipher, stats.SrtpCipher);
        Assert.Equal("FEFD", stats.TlsVersion); // DTLS 1.2
        Assert.True(stats.PairNominatedAndChecked, stats.ToString());
    }

    /// Everything one interop test starts, torn down in reverse order.
    private sealed class InteropRun : IAsyncDisposable
    {
        private readonly List<IAsyncDisposable> _resources = [];

        public required NetworkNamespace Namespace { get; init; }

        public required WebRtcPeerConnection Camera { get; init; }

        public WebRtcViewerPage Viewer { get; private set; } = null!;

        public MediaPump Pump { get; private set; } = null!;

        public CoturnServer? Coturn { get; private set; }

        public CancellationToken Token => TestContext.Current.CancellationToken;

        public static async Task<InteropRun> StartAsync(bool hideMdns, bool turn = false, bool relayOnly = false, int loss = 0, VideoTrackSettings? track = null,
            IList<SrtpProfile>? srtpProfiles = null)
        {
            var ct = TestContext.Current.CancellationToken;
            var clip = await H264Clip.GenerateAsync(Clip, cancellationToken: ct);
            var ns = await NetworkNamespace.CreateAsync(ct);
            var resources = new List<IAsyncDisposable> { ns };
            try
            {
                CoturnServer? coturn = null;
                var iceServers = new List<IceServer>();
                object browserConfig = new { };
                if (turn)
                {
                    coturn = await CoturnServer.StartAsync(new CoturnOptions(ns.NamespaceAddress, Namespace: ns), ct);
                    resources.Add(coturn);
                    var expiry = TimeProvider.System.GetUtcNow().AddHours(1);
                    var (cameraUser, cameraPassword) = TurnRestCredentials.Create(coturn.Options.SharedSecret, "camera", expiry);
                    var (viewerUser, viewerPassword) = TurnRestCredentials.Create(coturn.Options.SharedSecret, "viewer", expiry);
                    iceServers.Add(new IceServer([coturn.TurnUri], cameraUser, cameraPassword));
                    browserConfig = new
                    {
                        iceServers = new[] { new { urls = coturn.TurnUri, username = viewerUser, credential = viewerPassword } },
                        iceTransportPolicy = relayOnly ? "relay" : "all",
                    };
                }

                if (loss > 0)
                {
                    await ns.AddUdpLossAsync(loss, ct);
                }

                var chromium = await HeadlessChromium.LaunchAsync(new ChromiumOptions(ns, HideLocalIpsWithMdns: hideMdns));
                resources.Add(chromium);
                var logs = new TestLoggerFactory(TestContext.Current.TestOutputHelper!, LogLevel.Information);
                var camera = new WebRtcPeerConnection(new WebRtcSettings
                {
                    BindAddresses = [ns.HostAddress],
                    IceServers = iceServers,
                    IceTransportPolicy = relayOnly ? IceTransportPolicy.Relay : IceTransportPolicy.All,
                    SrtpProfiles = srtpProfiles ?? [SrtpProfile.Aes128CmHmacSha1Tag80],
                    LoggerFactory = logs,
                });
                resources.Add(camera);
                var videoTrack = camera.AddVideoTrack(track);
                var run = new InteropRun { Namespace = ns, Camera = camera, Coturn = coturn };
                run._resources.AddRange(resources);
                run.Viewer = await ChromiumViewer.ConnectAsync(chromium, camera, browserConfig, ct);
                run._resources.Add(run.Viewer);
                run.Pump = new MediaPump(videoTrack, clip, Clip.FramesPerSecond);
                run._resources.Add(run.Pump);
                return run;
            }
            catch
            {
                resources.Reverse();
                foreach (var resource in resources)
                {
                    await resource.DisposeAsync();
                }

                throw;
            }
        }

        public void Report(WebRtcViewerStats stats)
        {
            TestContext.Current.TestOutputHelper!.WriteLine("browser: " + stats);
            TestContext.Current.TestOutputHelper!.WriteLine("camera: " + Camera.GetStats());
            TestContext.Current.TestOutputHelper!.WriteLine($"camera: longest gap between written frames {Pump.LongestGap.TotalMilliseconds:F0} ms");
        }

        public async ValueTask DisposeAsync()
        {
            for (var i = _resources.Count - 1; i >= 0; i--)
            {
                await _resources[i].DisposeAsync();
            }
        }
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class InteropCollection
{
    public const string Name = "Chromium interop (serial: 2 cores)";
}
