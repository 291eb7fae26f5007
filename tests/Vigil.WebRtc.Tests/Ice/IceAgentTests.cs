using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Vigil.WebRtc.Ice;
using Vigil.WebRtc.Stun;

namespace Vigil.WebRtc.Tests.Ice;

public sealed class IceAgentTests
{
    private static readonly IceCredentials Ours = new("ours", "our-password-0123456789");
    private static readonly IceCredentials Theirs = new("thrs", "their-password-012345678");
    private static readonly IPEndPoint BrowserAddress = new(IPAddress.Parse("198.18.0.2"), 40000);

    private TimeSpan _now = TimeSpan.FromSeconds(1);

    [Fact]
    public void Candidate_priorities_match_rfc8445_type_preferences()
    {
        Assert.Equal(2130706431u, IcePriority.Candidate(IceCandidateType.Host, 65535));
        Assert.Equal(1862270975u, IcePriority.Candidate(IceCandidateType.PeerReflexive, 65535));
        Assert.Equal(1694498815u, IcePriority.Candidate(IceCandidateType.ServerReflexive, 65535));
        Assert.Equal(16777215u, IcePriority.Candidate(IceCandidateType.Relay, 65535));
    }

    [Fact]
    public void Pair_priority_follows_rfc8445_6_1_2_3()
    {
        // 2^32·MIN(G,D) + 2·MAX(G,D) + (G>D?1:0)
        Assert.Equal((100UL << 32) + 400 + 1, IcePriority.Pair(200, 100));
        Assert.Equal((100UL << 32) + 400, IcePriority.Pair(100, 200));
        Assert.Equal((7UL << 32) + 14, IcePriority.Pair(7, 7));
    }

    [Fact]
    public void A_valid_request_is_answered_learns_a_prflx_candidate_and_triggers_a_check()
    {
        var (agent, local) = Create();

        agent.HandleStun(local, BrowserAddress, Request(priority: 1845501695), _now);

        var response = local.Last();
        Assert.Equal(StunClass.SuccessResponse, response.Class);
        Assert.True(response.TryGetXorAddress(StunAttributeType.XorMappedAddress, out var mapped));
        Assert.Equal(BrowserAddress, mapped);
        Assert.True(response.VerifyMessageIntegrity(StunCredentials.ShortTermKey(Ours.Pwd)));
        Assert.True(response.VerifyFingerprint());
        Assert.Equal(BrowserAddress, local.Sent[^1].Remote);

        var prflx = Assert.Single(agent.RemoteCandidates);
        Assert.Equal(IceCandidateType.PeerReflexive, prflx.Type);
        Assert.Equal(1845501695u, prflx.Priority);
        Assert.True(agent.IsKnownRemote(BrowserAddress));

        agent.Poll(_now);
        var check = local.Last();
        Assert.Equal(StunClass.Request, check.Class);
        Assert.True(check.TryGetString(StunAttributeType.Username, out var username));
        Assert.Equal("thrs:ours", username);
        Assert.True(check.TryGetUInt64(StunAttributeType.IceControlled, out var tieBreaker));
        Assert.Equal(agent.TieBreaker, tieBreaker);
        Assert.True(check.TryGetUInt32(StunAttributeType.Priority, out var priority));
        Assert.Equal(IcePriority.Candidate(IceCandidateType.PeerReflexive, 65535), priority);
        Assert.False(check.HasAttribute(StunAttributeType.UseCandidate));
        Assert.True(check.VerifyMessageIntegrity(StunCredentials.ShortTermKey(Theirs.Pwd)));
        Assert.True(check.VerifyFingerprint());
    }

    [Theory]
    [InlineData("wrong:thrs", "our-password-0123456789", 401)]
    [InlineData("ours:thrs", "not-our-password-000000", 401)]
    [InlineData(null, "our-password-0123456789", 400)]
    public void Requests_with_bad_credentials_are_rejected(string? username, string password, int expectedCode)
    {
        var (agent, local) = Create();
        var builder = new StunMessageBuilder(StunMethod.Binding, StunClass.Request, StunTransactionId.NewRandom());
        if (username is not null)
        {
            builder.AddString(StunAttributeType.Username, username);
        }

        builder.AddUInt64(StunAttributeType.IceControlling, 1).AddMessageIntegrity(StunCredentials.ShortTermKey(password)).AddFingerprint();
        Assert.True(StunMessage.TryParse(builder.Written, out var request));

        agent.HandleStun(local, BrowserAddress, request, _now);

        var response = local.Last();
        Assert.Equal(StunClass.ErrorResponse, response.Class);
        Assert.True(response.TryGetErrorCode(out var code, out _));
        Assert.Equal(expectedCode, code);
        Assert.Empty(agent.RemoteCandidates);
    }

    [Fact]
    public void Unknown_comprehension_required_attribute_earns_420_but_vendor_attributes_do_not()
    {
        var (agent, local) = Create();
        agent.HandleStun(local, BrowserAddress, Request(extra: b => b.Add(0x7001, [1, 2, 3, 4])), _now);
        var rejected = local.Last();
        Assert.True(rejected.TryGetErrorCode(out var code, out _));
        Assert.Equal(420, code);
        Assert.True(rejected.TryGetAttribute(StunAttributeType.UnknownAttributes, out var listed));
        Assert.Equal([0x70, 0x01], listed.ToArray());

        agent.HandleStun(local, BrowserAddress, Request(extra: b => b.Add(0xC057, [0, 1, 0, 9])), _now);
        Assert.Equal(StunClass.SuccessResponse, local.Last().Class);
    }

    [Fact]
    public void Use_candidate_before_our_check_succeeds_selects_the_pair_when_it_does()
    {
        var (agent, local) = Create();
        IceCandidatePair? selected = null;
        agent.SelectedPairChanged = p => selected = p;

        agent.HandleStun(local, BrowserAddress, Request(useCandidate: true), _now);
        agent.Poll(_now);
        Assert.Null(selected);
        var check = local.Last();

        agent.HandleStun(local, BrowserAddress, SuccessFor(check, BrowserAddress), Advance(20));

        Assert.NotNull(selected);
        Assert.Equal(BrowserAddress, selected.Remote.EndPoint);
        Assert.Equal(IceConnectionState.Connected, agent.State);
        Assert.Equal(IceCandidatePairState.Succeeded, selected.State);
        Assert.Equal(TimeSpan.FromMilliseconds(20), selected.RoundTripTime);
    }

    [Fact]
    public void Use_candidate_after_our_check_succeeded_selects_at_once_and_a_later_nomination_switches()
    {
        var (agent, local) = Create();
        var second = new IPEndPoint(IPAddress.Parse("198.18.0.2"), 40001);
        agent.AddRemoteCandidate(Host(BrowserAddress, 2122260223));
        agent.AddRemoteCandidate(Host(second, 2122194687));
        for (var i = 0; i < 2; i++)
        {
            agent.Poll(Advance(50));
            var check = local.Last();
            agent.HandleStun(local, local.Sent[^1].Remote, SuccessFor(check, local.Sent[^1].Remote), Advance(1));
        }

        Assert.Null(agent.Selected);
        agent.HandleStun(local, second, Request(useCandidate: true), Advance(1));
        Assert.Equal(second, agent.Selected?.Remote.EndPoint);

        agent.HandleStun(local, BrowserAddress, Request(useCandidate: true), Advance(1));
        Assert.Equal(BrowserAddress, agent.Selected?.Remote.EndPoint);
    }

    [Fact]
    public void A_response_from_another_address_fails_the_pair()
    {
        var (agent, local) = Create();
        agent.AddRemoteCandidate(Host(BrowserAddress, 2122260223));
        agent.Poll(_now);
        var check = local.Last();

        var elsewhere = new IPEndPoint(IPAddress.Parse("198.18.0.3"), 40000);
        agent.HandleStun(local, elsewhere, SuccessFor(check, elsewhere), Advance(1));

        Assert.Equal(IceCandidatePairState.Failed, Assert.Single(agent.Pairs).State);
    }

    [Theory]
    [InlineData(false, StunAttributeType.IceControlled, 10UL, 5UL, true, false)]   // both controlled, ours larger → we control
    [InlineData(false, StunAttributeType.IceControlled, 5UL, 10UL, false, true)]   // both controlled, ours smaller → 487
    [InlineData(false, StunAttributeType.IceControlled, 7UL, 7UL, true, false)]    // equal counts as "ours ≥ theirs"
    [InlineData(true, StunAttributeType.IceControlling, 10UL, 5UL, true, true)]    // both controlling, ours larger → 487
    [InlineData(true, StunAttributeType.IceControlling, 7UL, 7UL, true, true)]     // equal → 487
    [InlineData(true, StunAttributeType.IceControlling, 5UL, 10UL, false, false)]  // both controlling, ours smaller → we yield
    public void Role_conflicts_are_repaired_per_rfc8445_7_3_1_1(bool weControl, ushort theirRole, ulong ours, ulong theirs, bool controllingAfter, bool expect487)
    {
        var (agent, local) = Create(controlling: weControl);
        agent.TieBreaker = ours;

        agent.HandleStun(local, BrowserAddress, Request(role: theirRole, tieBreaker: theirs), _now);

        var response = local.Last();
        Assert.Equal(expect487 ? StunClass.ErrorResponse : StunClass.SuccessResponse, response.Class);
        if (expect487)
        {
            Assert.True(response.TryGetErrorCode(out var code, out _));
            Assert.Equal(487, code);
            Assert.True(response.VerifyMessageIntegrity(StunCredentials.ShortTermKey(Ours.Pwd)));
        }

        Assert.Equal(controllingAfter, agent.Controlling);
    }

    [Fact]
    public void A_487_response_flips_our_role_and_the_check_is_redone()
    {
        var (agent, local) = Create();
        agent.AddRemoteCandidate(Host(BrowserAddress, 2122260223));
        agent.Poll(_now);
        var check = local.Last();
        Assert.True(check.HasAttribute(StunAttributeType.IceControlled));

        var error = new StunMessageBuilder(StunMethod.Binding, StunClass.ErrorResponse, check.TransactionId)
            .AddErrorCode(487, "Role Conflict").AddMessageIntegrity(StunCredentials.ShortTermKey(Theirs.Pwd)).AddFingerprint();
        Assert.True(StunMessage.TryParse(error.Written, out var parsed));
        agent.HandleStun(local, BrowserAddress, parsed, Advance(1));
        agent.Poll(Advance(50));

        Assert.True(agent.Controlling);
        var retry = local.Last();
        Assert.True(retry.HasAttribute(StunAttributeType.IceControlling));
        Assert.NotEqual(check.TransactionId, retry.TransactionId);
    }

    [Fact]
    public void As_controlling_agent_a_succeeded_pair_is_nominated_with_use_candidate()
    {
        var (agent, local) = Create(controlling: true);
        agent.AddRemoteCandidate(Host(BrowserAddress, 2122260223));
        agent.Poll(_now);
        agent.HandleStun(local, BrowserAddress, SuccessFor(local.Last(), BrowserAddress), Advance(1));
        Assert.Null(agent.Selected);

        agent.Poll(Advance(50));
        var nomination = local.Last();
        Assert.True(nomination.HasAttribute(StunAttributeType.UseCandidate));
        agent.HandleStun(local, BrowserAddress, SuccessFor(nomination, BrowserAddress), Advance(1));

        Assert.Equal(BrowserAddress, agent.Selected?.Remote.EndPoint);
    }

    [Fact]
    public void Consent_survives_short_gaps_and_expires_30_seconds_after_the_last_response()
    {
        var (agent, local) = Connected();
        var states = new List<IceConnectionState>();
        agent.StateChanged = states.Add;

        // Answer every other consent request for a minute: gaps of ~10 s are fine.
        var answer = true;
        var consentRequests = 0;
        var until = _now + TimeSpan.FromSeconds(60);
        while (_now < until)
        {
            var before = local.Sent.Count;
            agent.Poll(Advance(100));
            foreach (var (datagram, remote) in local.Sent.Skip(before).ToList())
            {
                if (StunMessage.TryParse(datagram, out var m) && m.Class == StunClass.Request)
                {
                    consentRequests++;
                    if (answer)
                    {
                        agent.HandleStun(local, remote, SuccessFor(m, remote), _now);
                    }

                    answer = !answer;
                }
            }
        }

        Assert.InRange(consentRequests, 10, 15); // 5 s ± 20 %
        Assert.DoesNotContain(IceConnectionState.Failed, states);
        Assert.Equal(IceConnectionState.Connected, agent.State);

        // Now silence: disconnected after ~10 s, failed after 30 s.
        var silentFrom = _now;
        TimeSpan? disconnectedAt = null, failedAt = null;
        agent.StateChanged = s =>
        {
            if (s == IceConnectionState.Disconnected)
            {
                disconnectedAt ??= _now - silentFrom;
            }

            if (s == IceConnectionState.Failed)
            {
                failedAt ??= _now - silentFrom;
            }
        };
        while (failedAt is null && _now - silentFrom < TimeSpan.FromSeconds(60))
        {
            agent.Poll(Advance(100));
        }

        Assert.NotNull(disconnectedAt);
        Assert.NotNull(failedAt);
        Assert.InRange(failedAt.Value.TotalSeconds, 20, 31); // last response was at most ~10 s before silence began
        Assert.True(disconnectedAt < failedAt);
    }

    [Fact]
    public void Inbound_requests_keep_the_pair_connected_while_responses_are_missing()
    {
        var (agent, local) = Connected();
        for (var i = 0; i < 150; i++)
        {
            agent.Poll(Advance(100));
            if (i % 20 == 0)
            {
                agent.HandleStun(local, BrowserAddress, Request(), _now); // the browser keeps pinging
            }
        }

        Assert.Equal(IceConnectionState.Connected, agent.State); // 15 s without responses, not yet 30
    }

    [Fact]
    public void Candidates_trickled_before_the_remote_description_are_checked_once_it_arrives()
    {
        var local = new FakeIceBase("198.18.0.1", 50000);
        var agent = new IceAgent(Ours, new IceAgentOptions(), NullLogger.Instance);
        agent.AddLocalBase(local);
        Assert.True(agent.AddRemoteCandidate(Host(BrowserAddress, 2122260223)));
        agent.Poll(_now);
        Assert.Empty(local.Sent);

        agent.SetRemoteCredentials(Theirs, _now);
        agent.Poll(Advance(50));
        Assert.Equal(BrowserAddress, Assert.Single(local.Sent).Remote);
    }

    [Fact]
    public void Mdns_and_tcp_candidates_are_ignored()
    {
        var (agent, _) = Create();
        Assert.True(IceCandidate.TryParse("candidate:1 1 udp 2122260223 0b1c2d3e-aaaa-bbbb-cccc-1234567890ab.local 40000 typ host", out var mdns));
        Assert.True(IceCandidate.TryParse("candidate:2 1 tcp 1518280447 198.18.0.2 9 typ host tcptype active", out var tcp));

        Assert.False(agent.AddRemoteCandidate(mdns));
        Assert.False(agent.AddRemoteCandidate(tcp));
        Assert.Empty(agent.Pairs);
    }

    [Fact]
    public void End_of_candidates_with_every_pair_failed_means_failed()
    {
        var (agent, local) = Create(options: new IceAgentOptions { MaxCheckRequests = 2 });
        agent.AddRemoteCandidate(Host(BrowserAddress, 2122260223));
        agent.SetRemoteEndOfCandidates();
        for (var i = 0; i < 200 && agent.State == IceConnectionState.Checking; i++)
        {
            agent.Poll(Advance(100));
        }

        Assert.Equal(IceConnectionState.Failed, agent.State);
        Assert.Equal(2, local.Messages(StunClass.Request).Count);
    }

    [Fact]
    public void Checks_through_a_relay_wait_for_the_turn_permission()
    {
        var relay = new FakeIceBase("198.18.0.9", 50001, IceCandidateType.Relay) { Ready = _ => false };
        var agent = new IceAgent(Ours, new IceAgentOptions(), NullLogger.Instance);
        agent.AddLocalBase(relay);
        agent.SetRemoteCredentials(Theirs, _now);
        agent.AddRemoteCandidate(Host(BrowserAddress, 2122260223));

        agent.Poll(Advance(50));
        Assert.Empty(relay.Sent);

        relay.Ready = _ => true;
        agent.Poll(Advance(50));
        Assert.Single(relay.Sent);
    }

    private (IceAgent Agent, FakeIceBase Local) Create(bool controlling = false, IceAgentOptions? options = null)
    {
        var local = new FakeIceBase("198.18.0.1", 50000);
        var agent = new IceAgent(Ours, options ?? new IceAgentOptions(), NullLogger.Instance, controlling);
        agent.AddLocalBase(local);
        agent.SetRemoteCredentials(Theirs, _now);
        return (agent, local);
    }

    private (IceAgent Agent, FakeIceBase Local) Connected()
    {
        var (agent, local) = Create();
        agent.HandleStun(local, BrowserAddress, Request(useCandidate: true), _now);
        agent.Poll(Advance(50));
        agent.HandleStun(local, BrowserAddress, SuccessFor(local.Last(), BrowserAddress), Advance(1));
        Assert.Equal(IceConnectionState.Connected, agent.State);
        return (agent, local);
    }

    private TimeSpan Advance(int milliseconds) => _now += TimeSpan.FromMilliseconds(milliseconds);

    private static IceCandidate Host(IPEndPoint endPoint, uint priority) =>
        new("7", 1, "udp", priority, endPoint.Address.ToString(), endPoint.Port, IceCandidateType.Host);

    /// A browser-side Binding request to us.
    private static StunMessage Request(bool useCandidate = false, uint priority = 1845501695, ushort role = StunAttributeType.IceControlling, ulong tieBreaker = 0x1122334455667788, Action<StunMessageBuilder>? extra = null)
    {
        var builder = new StunMessageBuilder(StunMethod.Binding, StunClass.Request, StunTransactionId.NewRandom())
            .AddString(StunAttributeType.Username, $"{Ours.Ufrag}:{Theirs.Ufrag}")
            .AddUInt32(StunAttributeType.Priority, priority)
            .AddUInt64(role, tieBreaker);
        if (useCandidate)
        {
            builder.AddFlag(StunAttributeType.UseCandidate);
        }

        extra?.Invoke(builder);
        builder.AddMessageIntegrity(StunCredentials.ShortTermKey(Ours.Pwd)).AddFingerprint();
        Assert.True(StunMessage.TryParse(builder.Written, out var message));
        return message;
    }

    /// The browser's success response to one of our checks.
    private static StunMessage SuccessFor(StunMessage request, IPEndPoint mapped)
    {
        var builder = new StunMessageBuilder(StunMethod.Binding, StunClass.SuccessResponse, request.TransactionId)
            .AddXorAddress(StunAttributeType.XorMappedAddress, mapped)
            .AddMessageIntegrity(StunCredentials.ShortTermKey(Theirs.Pwd))
            .AddFingerprint();
        Assert.True(StunMessage.TryParse(builder.Written, out var message));
        return message;
    }
}
