using System.Net.WebSockets;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Vigil.Server.Features.Signaling;

namespace Vigil.Server.Tests.Features.Signaling;

/// <summary>The hub's per-channel rules on a fake clock: message TTL, replacement of queued offers, limits.</summary>
public sealed class ChannelSessionTests
{
    private const string Arn = "arn:aws:kinesisvideo:us-east-1:000000000000:channel/c/1";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly SignalingOptions _options = new() { MaxViewersPerChannel = 2 };

    private SignalingConnection Connect(ChannelSession session, string? clientId)
    {
        Assert.Equal(AdmissionOutcome.Admitted, session.Admit(clientId));
        var connection = new SignalingConnection(WebSocket.CreateFromStream(new MemoryStream(), isServer: true, null, TimeSpan.Zero), Arn, clientId, _time, _options);
        session.Attach(connection);
        return connection;
    }

    private static ClientMessage Message(SignalingAction action, string payload, string? recipient = null) =>
        new(action, Encoding.ASCII.GetBytes(Convert.ToBase64String(Encoding.UTF8.GetBytes(payload))), recipient, null);

    private static List<string> Drain(SignalingConnection connection)
    {
        var frames = new List<string>();
        while (connection.Outgoing.TryRead(out var frame))
        {
            frames.Add(Encoding.UTF8.GetString(frame));
        }

        return frames;
    }

    [Fact]
    public void Queued_messages_live_for_the_channel_ttl_and_no_longer()
    {
        var session = new ChannelSession(Arn, 10, _options, _time);
        var viewer = Connect(session, "v");
        session.Route(viewer, Message(SignalingAction.SdpOffer, "offer"));
        _time.Advance(TimeSpan.FromSeconds(9));
        session.Route(viewer, Message(SignalingAction.IceCandidate, "candidate"));
        _time.Advance(TimeSpan.FromSeconds(2));

        var master = Connect(session, null);

        var frames = Drain(master);
        Assert.Single(frames);
        Assert.Contains(Convert.ToBase64String("candidate"u8.ToArray()), frames[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Expire_drops_old_messages_and_an_empty_session_can_retire()
    {
        var session = new ChannelSession(Arn, 5, _options, _time);
        var master = Connect(session, null);
        session.Route(master, Message(SignalingAction.SdpAnswer, "answer", "absent-viewer"));
        session.Detach(master);
        Assert.False(session.TryRetire());

        _time.Advance(TimeSpan.FromSeconds(5));
        session.Expire();

        Assert.True(session.TryRetire());
        Assert.Equal(AdmissionOutcome.Retired, session.Admit("late"));
    }

    [Fact]
    public void A_newer_offer_from_the_same_viewer_replaces_the_queued_one_but_offers_from_others_stay()
    {
        var session = new ChannelSession(Arn, 60, _options, _time);
        var a = Connect(session, "a");
        var b = Connect(session, "b");
        session.Route(a, Message(SignalingAction.SdpOffer, "a1"));
        session.Route(b, Message(SignalingAction.SdpOffer, "b1"));
        session.Route(a, Message(SignalingAction.SdpOffer, "a2"));

        var frames = Drain(Connect(session, null));

        Assert.Equal(2, frames.Count);
        Assert.Contains(Convert.ToBase64String("a2"u8.ToArray()), frames[0], StringComparison.Ordinal);
        Assert.Contains(Convert.ToBase64String("b1"u8.ToArray()), frames[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Viewers_beyond_the_limit_are_refused_but_a_known_id_may_reconnect()
    {
        var session = new ChannelSession(Arn, 60, _options, _time);
        Connect(session, "a");
        Assert.Equal(AdmissionOutcome.Admitted, session.Admit("b"));   // reserved, handshake in progress

        Assert.Equal(AdmissionOutcome.TooManyViewers, session.Admit("c"));
        Assert.Equal(AdmissionOutcome.Admitted, session.Admit("a"));
        session.Release("b");
        _time.Advance(TimeSpan.FromSeconds(1));   // (the connect rate allows a burst of 3 here)
        Assert.Equal(AdmissionOutcome.Admitted, session.Admit("c"));
    }

    [Fact]
    public void Connects_are_rate_limited_per_channel_and_role()
    {
        var options = new SignalingOptions { MaxViewersPerChannel = 10, ConnectsPerSecondPerChannel = 3 };
        var session = new ChannelSession(Arn, 60, options, _time);
        var admitted = Enumerable.Range(0, 50).Count(_ => session.Admit(null) == AdmissionOutcome.Admitted);
        _time.Advance(TimeSpan.FromSeconds(1));
        var afterOneSecond = Enumerable.Range(0, 50).Count(_ => session.Admit(null) == AdmissionOutcome.Admitted);

        Assert.Equal(11, admitted);   // a burst of MaxViewersPerChannel + 1
        Assert.Equal(3, afterOneSecond);
        Assert.Equal(AdmissionOutcome.Admitted, session.Admit("viewers-have-their-own-budget"));
    }

    [Fact]
    public void A_connection_that_does_not_keep_up_is_closed()
    {
        var session = new ChannelSession(Arn, 60, _options, _time);
        var master = Connect(session, null);
        var viewer = Connect(session, "v");

        for (var i = 0; i <= SignalingConnection.OutgoingCapacity; i++)
        {
            session.Route(viewer, Message(SignalingAction.IceCandidate, "c"));
        }

        Assert.Equal(WebSocketCloseStatus.PolicyViolation, master.CloseStatus);
        Assert.Equal("too slow: outgoing queue full", master.CloseReason);
    }
}
