using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Vigil.TestSupport;
using Vigil.WebRtc.Ice;
using Vigil.WebRtc.Stun;
using Vigil.WebRtc.Tests.Sdp;

namespace Vigil.WebRtc.Tests.PeerConnection;

/// Candidate gathering of a real WebRtcPeerConnection on loopback sockets: host candidates at once,
/// server-reflexive ones from a STUN server (a scripted responder that plays a NAT, and coturn),
/// and a dead or unresolvable server that must not hold up the answer.
public sealed class GatheringTests
{
    [Fact]
    public async Task A_scripted_stun_server_behind_a_pretend_nat_yields_a_srflx_candidate_with_its_base()
    {
        var ct = TestContext.Current.CancellationToken;
        using var stun = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        stun.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var mapped = new IPEndPoint(IPAddress.Parse("203.0.113.50"), 61000);
        var responder = RespondAsync(stun, mapped, ct);

        await using var camera = NewCamera([$"stun:127.0.0.1:{((IPEndPoint)stun.LocalEndPoint!).Port}"]);
        var candidates = Collect(camera);
        await camera.AcceptOfferAsync(SdpNegotiationTests.ChromiumOffer, ct);

        var all = await UntilEndOfCandidates(candidates, ct);
        var host = Assert.Single(all, c => c.Type == IceCandidateType.Host);
        var srflx = Assert.Single(all, c => c.Type == IceCandidateType.ServerReflexive);
        Assert.Equal(("203.0.113.50", 61000), (srflx.Address, srflx.Port));
        Assert.Equal((host.Address, host.Port), (srflx.RelatedAddress, srflx.RelatedPort));
        Assert.Equal(1694498815u, srflx.Priority);
        Assert.True(await responder > 0);
    }

    [Fact]
    public async Task Coturn_stun_without_nat_maps_to_the_host_address_and_the_redundant_srflx_is_dropped()
    {
        var ct = TestContext.Current.CancellationToken;
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)probe.LocalEndPoint!).Port;
        probe.Dispose();
        await using var coturn = await CoturnServer.StartAsync(new CoturnOptions(IPAddress.Loopback, Port: port, MinRelayPort: 51000, MaxRelayPort: 51010), ct);

        await using var camera = NewCamera([coturn.StunUri]);
        var candidates = Collect(camera);
        var clock = Stopwatch.StartNew();
        await camera.AcceptOfferAsync(SdpNegotiationTests.ChromiumOffer, ct);

        var all = await UntilEndOfCandidates(candidates, ct);
        Assert.Equal(IceCandidateType.Host, Assert.Single(all).Type); // RFC 8445 §5.1.3: srflx == base is pruned
        // Gathering ended because coturn answered: an unanswered probe only gives up after ~9.5 s.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"gathering took {clock.Elapsed}: coturn did not answer?");
    }

    [Fact]
    public async Task A_dead_stun_server_and_an_unresolvable_turn_server_do_not_delay_the_answer()
    {
        var ct = TestContext.Current.CancellationToken;
        using var silent = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        silent.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        await using var camera = NewCamera(
            [$"stun:127.0.0.1:{((IPEndPoint)silent.LocalEndPoint!).Port}", "turn:does-not-exist.invalid:3478"],
            username: "u", credential: "p");
        var candidates = Collect(camera);

        var clock = Stopwatch.StartNew();
        var answer = await camera.AcceptOfferAsync(SdpNegotiationTests.ChromiumOffer, ct);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"answer took {clock.Elapsed}");
        Assert.Contains("a=setup:active", answer, StringComparison.Ordinal);

        var first = await candidates.Reader.ReadAsync(ct).AsTask().WaitAsync(TimeSpan.FromSeconds(2), ct);
        Assert.Equal(IceCandidateType.Host, Parse(first).Type); // host trickled right away
        var rest = await UntilEndOfCandidates(candidates, ct);
        Assert.Empty(rest);
    }

    [Fact]
    public async Task Remote_candidates_before_the_offer_are_kept_and_unusable_ones_refused()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var camera = NewCamera([]);
        camera.AddVideoTrack();
        using var browser = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        browser.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var browserPort = ((IPEndPoint)browser.LocalEndPoint!).Port;

        Assert.True(camera.AddRemoteCandidate($"candidate:1 1 udp 2122260223 127.0.0.1 {browserPort} typ host generation 0 ufrag OQu7"));
        Assert.False(camera.AddRemoteCandidate("candidate:2 1 udp 2122260223 0b1c2d3e-aaaa-bbbb-cccc-1234567890ab.local 40001 typ host"));
        Assert.False(camera.AddRemoteCandidate("candidate:3 1 tcp 1518280447 127.0.0.1 9 typ host tcptype active"));
        Assert.False(camera.AddRemoteCandidate("garbage"));
        Assert.True(camera.AddRemoteCandidate(string.Empty)); // end-of-candidates

        var answer = await camera.AcceptOfferAsync(SdpNegotiationTests.ChromiumOffer, ct);
        Assert.False(camera.AddRemoteCandidate("candidate:4 1 udp 2122260223 127.0.0.1 40002 typ host", usernameFragment: "other"));

        // The candidate given before the offer gets a connectivity check from the camera.
        var buffer = new byte[1500];
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        var received = await browser.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0), timeout.Token);
        Assert.True(StunMessage.TryParse(buffer.AsSpan(0, received.ReceivedBytes), out var check));
        Assert.True(check.TryGetString(StunAttributeType.Username, out var username));
        var ourUfrag = answer.Split("\r\n").First(l => l.StartsWith("a=ice-ufrag:", StringComparison.Ordinal))["a=ice-ufrag:".Length..];
        Assert.Equal("OQu7:" + ourUfrag, username);
        Assert.True(check.VerifyMessageIntegrity(StunCredentials.ShortTermKey("UEr+SwwyRWwK8k66jkbNS5yK")));
    }

    [Fact]
    public async Task An_offer_without_a_matching_h264_entry_is_refused_with_an_sdp_exception()
    {
        await using var camera = NewCamera([]);
        camera.AddVideoTrack(new VideoTrackSettings { Profile = WebRtc.H264.H264Profile.High });
        await Assert.ThrowsAsync<WebRtc.Sdp.SdpException>(() => camera.AcceptOfferAsync(SdpNegotiationTests.ChromiumOffer, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Handlers_that_call_back_into_the_connection_from_other_threads_neither_deadlock_nor_lose_events()
    {
        // Events are raised outside the connection's lock. A handler that waits for another thread
        // to use the connection would deadlock if they were raised under it; a late srflx result
        // (the scripted STUN server) arrives on a socket thread while the host candidate came from
        // AcceptOfferAsync's caller, and end-of-candidates must still come last and exactly once.
        var ct = TestContext.Current.CancellationToken;
        using var stun = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        stun.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var responder = RespondAsync(stun, new IPEndPoint(IPAddress.Parse("203.0.113.51"), 61001), ct);
        await using var camera = NewCamera([$"stun:127.0.0.1:{((IPEndPoint)stun.LocalEndPoint!).Port}"]);
        camera.AddVideoTrack();
        var seen = Channel.CreateUnbounded<(string? Candidate, bool CrossThreadCallReturned)>();
        var remotePort = 40100;
        camera.LocalCandidate += (_, e) =>
        {
            using var done = new ManualResetEventSlim();
            var port = Interlocked.Increment(ref remotePort);
            ThreadPool.UnsafeQueueUserWorkItem(_ =>
            {
                camera.AddRemoteCandidate($"candidate:9 1 udp 2122260223 127.0.0.1 {port} typ host");
                _ = camera.GetStats();
                done.Set();
            }, null);
            seen.Writer.TryWrite((e.Candidate, done.Wait(TimeSpan.FromSeconds(5), ct)));
        };

        await camera.AcceptOfferAsync(SdpNegotiationTests.ChromiumOffer, ct);
        var events = new List<(string? Candidate, bool CrossThreadCallReturned)>();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(20));
        do
        {
            events.Add(await seen.Reader.ReadAsync(deadline.Token));
        }
        while (events[^1].Candidate is not null);

        Assert.All(events, e => Assert.True(e.CrossThreadCallReturned, "a handler's cross-thread call into the connection blocked"));
        Assert.Equal([IceCandidateType.Host, IceCandidateType.ServerReflexive], events.SkipLast(1).Select(e => Parse(e.Candidate).Type));
        Assert.True(await responder > 0);
        // Nothing after end-of-candidates.
        Assert.False(seen.Reader.TryRead(out _));
    }

    private static WebRtcPeerConnection NewCamera(IReadOnlyList<string> urls, string? username = null, string? credential = null)
    {
        var camera = new WebRtcPeerConnection(new WebRtcSettings
        {
            BindAddresses = [IPAddress.Loopback],
            IceServers = urls.Count == 0 ? [] : [new IceServer(urls, username, credential)],
            GatheringTimeout = TimeSpan.FromSeconds(2),
        });
        return camera;
    }

    private static Channel<string?> Collect(WebRtcPeerConnection camera)
    {
        camera.AddVideoTrack();
        var channel = Channel.CreateUnbounded<string?>();
        camera.LocalCandidate += (_, e) => channel.Writer.TryWrite(e.Candidate);
        return channel;
    }

    private static async Task<List<IceCandidate>> UntilEndOfCandidates(Channel<string?> channel, CancellationToken ct)
    {
        var result = new List<IceCandidate>();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(20));
        while (await channel.Reader.ReadAsync(deadline.Token) is { } candidate)
        {
            result.Add(Parse(candidate));
        }

        return result;
    }

    private static IceCandidate Parse(string? line)
    {
        Assert.True(IceCandidate.TryParse(line, out var candidate), line);
        return candidate;
    }

    /// Answers Binding requests with a fixed XOR-MAPPED-ADDRESS, like a server seen through a NAT.
    private static async Task<int> RespondAsync(Socket socket, IPEndPoint mapped, CancellationToken ct)
    {
        var buffer = new byte[1500];
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        var result = await socket.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0), timeout.Token);
        Assert.True(StunMessage.TryParse(buffer.AsSpan(0, result.ReceivedBytes), out var request));
        Assert.Equal((StunMethod.Binding, StunClass.Request), (request.Method, request.Class));
        var response = new StunMessageBuilder(StunMethod.Binding, StunClass.SuccessResponse, request.TransactionId)
            .AddXorAddress(StunAttributeType.XorMappedAddress, mapped).AddFingerprint();
        socket.SendTo(response.Written, result.RemoteEndPoint);
        return 1;
    }
}
