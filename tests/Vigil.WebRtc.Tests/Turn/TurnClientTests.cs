using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Vigil.WebRtc.Stun;
using Vigil.WebRtc.Turn;

namespace Vigil.WebRtc.Tests.Turn;

/// TurnClient against a scripted TURN server on real loopback sockets; time is passed in, so
/// refresh schedules are checked without waiting.
public sealed class TurnClientTests
{
    private static readonly IPEndPoint Relayed = new(IPAddress.Parse("203.0.113.9"), 50000);
    private static readonly IPEndPoint Mapped = new(IPAddress.Parse("198.51.100.7"), 4000);
    private static readonly IPEndPoint Peer = new(IPAddress.Parse("198.18.0.2"), 40000);

    private TimeSpan _now = TimeSpan.FromSeconds(10);

    [Fact]
    public void Rest_credentials_match_the_computed_vector()
    {
        var (username, password) = TurnRestCredentials.Create("turn-shared-secret", "camera01", DateTimeOffset.FromUnixTimeSeconds(1735689600));

        Assert.Equal("1735689600:camera01", username);
        Assert.Equal("YU2S8b2q3XN16jAF7sERv7tqaQY=", password);
        Assert.Equal("2ee1b514ed840e046bd097d1dd121383", TestVectors.ToHex(StunCredentials.LongTermKey(username, "example.org", password)));
    }

    [Fact]
    public async Task Allocate_answered_with_401_is_retried_with_long_term_credentials()
    {
        var ct = TestContext.Current.CancellationToken;
        using var server = new ScriptedTurnServer();
        var client = NewClient(server);

        client.Start(_now);
        var first = await server.NextRequestAsync(ct);
        Assert.Equal(StunMethod.Allocate, first.Method);
        Assert.False(first.HasMessageIntegrity);
        Assert.True(first.TryGetUInt32(StunAttributeType.RequestedTransport, out var transport));
        Assert.Equal(17u << 24, transport);
        await Deliver(server, client, ScriptedTurnServer.Unauthorized(first, "nonce-1"));

        var second = await server.NextRequestAsync(ct);
        ScriptedTurnServer.AssertAuthenticated(second, "nonce-1");
        await Deliver(server, client, AllocateSuccess(second, lifetime: 600));

        Assert.Equal(TurnAllocationState.Allocated, client.State);
        Assert.Equal(Relayed, client.RelayedAddress);
        Assert.Equal(Mapped, client.MappedAddress);
        Assert.Equal(TimeSpan.FromSeconds(600), client.Lifetime);
    }

    [Fact]
    public async Task Stale_nonce_on_allocate_refresh_and_create_permission_is_retried_with_the_new_nonce()
    {
        var ct = TestContext.Current.CancellationToken;
        using var server = new ScriptedTurnServer();
        var client = NewClient(server);
        client.Start(_now);
        await Deliver(server, client, ScriptedTurnServer.Unauthorized(await server.NextRequestAsync(ct), "nonce-1"));

        var allocate = await server.NextRequestAsync(ct);
        await Deliver(server, client, ScriptedTurnServer.StaleNonce(allocate, "nonce-2"));
        var allocateRetry = await server.NextRequestAsync(ct);
        Assert.Equal(StunMethod.Allocate, allocateRetry.Method);
        ScriptedTurnServer.AssertAuthenticated(allocateRetry, "nonce-2");
        await Deliver(server, client, AllocateSuccess(allocateRetry, lifetime: 600));
        Assert.Equal(TurnAllocationState.Allocated, client.State);

        client.RequestPermission(Peer.Address, _now);
        var permission = await server.NextRequestAsync(ct);
        Assert.Equal(StunMethod.CreatePermission, permission.Method);
        await Deliver(server, client, ScriptedTurnServer.StaleNonce(permission, "nonce-3"));
        var permissionRetry = await server.NextRequestAsync(ct);
        ScriptedTurnServer.AssertAuthenticated(permissionRetry, "nonce-3");
        Assert.True(permissionRetry.TryGetXorAddress(StunAttributeType.XorPeerAddress, out var peer));
        Assert.Equal(Peer.Address, peer.Address);
        await Deliver(server, client, ScriptedTurnServer.Success(permissionRetry));
        Assert.True(client.HasPermission(Peer.Address));

        _now += TimeSpan.FromSeconds(300);
        client.Poll(_now);
        var refresh = await NextOfMethod(server, StunMethod.Refresh, ct);
        await Deliver(server, client, ScriptedTurnServer.StaleNonce(refresh, "nonce-4"));
        var refreshRetry = await NextOfMethod(server, StunMethod.Refresh, ct);
        ScriptedTurnServer.AssertAuthenticated(refreshRetry, "nonce-4");
        await Deliver(server, client, ScriptedTurnServer.Success(refreshRetry, b => b.AddUInt32(StunAttributeType.Lifetime, 600)));
        Assert.Equal(1, client.RefreshCount);
        Assert.Equal(TurnAllocationState.Allocated, client.State);
    }

    [Fact]
    public async Task Refresh_goes_out_at_half_the_lifetime_and_permissions_every_two_minutes()
    {
        var ct = TestContext.Current.CancellationToken;
        using var server = new ScriptedTurnServer();
        var client = await AllocatedClient(server, lifetime: 400, ct);
        var allocatedAt = _now;
        client.RequestPermission(Peer.Address, _now);
        await Deliver(server, client, ScriptedTurnServer.Success(await server.NextRequestAsync(ct)));
        var before = server.Requests.Count;

        client.Poll(allocatedAt + TimeSpan.FromSeconds(119));
        _now = allocatedAt + TimeSpan.FromSeconds(121);
        client.Poll(_now);
        var permissionRefresh = await server.NextRequestAsync(ct);
        Assert.Equal(StunMethod.CreatePermission, permissionRefresh.Method);
        await Deliver(server, client, ScriptedTurnServer.Success(permissionRefresh));

        client.Poll(allocatedAt + TimeSpan.FromSeconds(199));
        client.Poll(allocatedAt + TimeSpan.FromSeconds(200));
        var refresh = await server.NextRequestAsync(ct);
        Assert.Equal(StunMethod.Refresh, refresh.Method);
        Assert.True(refresh.TryGetUInt32(StunAttributeType.Lifetime, out var lifetime));
        Assert.Equal(600u, lifetime);
        Assert.Equal(before + 2, server.Requests.Count);
    }

    [Fact]
    public async Task One_permission_request_per_ip_and_403_is_surfaced_as_no_permission()
    {
        var ct = TestContext.Current.CancellationToken;
        using var server = new ScriptedTurnServer();
        var client = await AllocatedClient(server, lifetime: 600, ct);

        client.RequestPermission(Peer.Address, _now);
        client.RequestPermission(Peer.Address, _now);
        client.RequestPermission(IPAddress.Parse("198.18.0.3"), _now);
        var first = await server.NextRequestAsync(ct);
        var second = await server.NextRequestAsync(ct);
        Assert.True(first.TryGetXorAddress(StunAttributeType.XorPeerAddress, out var a));
        Assert.True(second.TryGetXorAddress(StunAttributeType.XorPeerAddress, out var b));
        Assert.Equal([IPAddress.Parse("198.18.0.2"), IPAddress.Parse("198.18.0.3")], new[] { a.Address, b.Address });

        await Deliver(server, client, ScriptedTurnServer.Success(first));
        await Deliver(server, client, ScriptedTurnServer.Error(second, 403, "Forbidden IP"));
        Assert.True(client.HasPermission(Peer.Address));
        Assert.False(client.HasPermission(IPAddress.Parse("198.18.0.3")));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public async Task ChannelBind_then_channel_data_round_trips_with_and_without_padding(int padding)
    {
        var ct = TestContext.Current.CancellationToken;
        using var server = new ScriptedTurnServer();
        var client = await AllocatedClient(server, lifetime: 600, ct);
        var received = new List<(IPEndPoint Peer, byte[] Data)>();
        client.DataReceived = (peer, data) => received.Add((peer, data.ToArray()));

        client.BindChannel(Peer, _now);
        var bind = await server.NextRequestAsync(ct);
        Assert.Equal(StunMethod.ChannelBind, bind.Method);
        Assert.True(bind.TryGetUInt32(StunAttributeType.ChannelNumber, out var channelAttribute));
        var channel = (ushort)(channelAttribute >> 16);
        Assert.InRange(channel, (ushort)0x4000, (ushort)0x4FFF);
        Assert.Null(client.ChannelFor(Peer));
        await Deliver(server, client, ScriptedTurnServer.Success(bind));
        Assert.Equal(channel, client.ChannelFor(Peer));
        Assert.True(client.HasPermission(Peer.Address)); // a binding implies the permission

        byte[] payload = [0x80, 0x60, 1, 2, 3];
        var framed = new byte[4 + payload.Length + padding];
        TurnFraming.WriteChannelData(framed, channel, payload);
        framed.AsSpan(4 + payload.Length).Fill(0xEE);
        server.SendToClient(framed);
        Assert.True(client.HandleFromServer(await server.ClientReceiveAsync(ct), _now));

        var (from, data) = Assert.Single(received);
        Assert.Equal(Peer, from);
        Assert.Equal(payload, data); // the length field wins; padding is not payload
    }

    [Fact]
    public async Task Data_indications_are_unwrapped()
    {
        var ct = TestContext.Current.CancellationToken;
        using var server = new ScriptedTurnServer();
        var client = await AllocatedClient(server, lifetime: 600, ct);
        var received = new List<(IPEndPoint Peer, byte[] Data)>();
        client.DataReceived = (peer, data) => received.Add((peer, data.ToArray()));

        var indication = new StunMessageBuilder(StunMethod.Data, StunClass.Indication, StunTransactionId.NewRandom())
            .AddXorAddress(StunAttributeType.XorPeerAddress, Peer).Add(StunAttributeType.Data, [9, 8, 7]).ToArray();
        server.SendToClient(indication);
        Assert.True(client.HandleFromServer(await server.ClientReceiveAsync(ct), _now));

        var (from, data) = Assert.Single(received);
        Assert.Equal(Peer, from);
        Assert.Equal([9, 8, 7], data);
    }

    [Fact]
    public void Send_indication_framing_parses_back()
    {
        var buffer = new byte[200];
        var length = TurnFraming.WriteSendIndication(buffer, Peer, [1, 2, 3, 4, 5]);

        Assert.True(StunMessage.TryParse(buffer.AsSpan(0, length), out var message));
        Assert.Equal(StunMethod.Send, message.Method);
        Assert.Equal(StunClass.Indication, message.Class);
        Assert.True(message.TryGetXorAddress(StunAttributeType.XorPeerAddress, out var peer));
        Assert.Equal(Peer, peer);
        Assert.True(message.TryGetAttribute(StunAttributeType.Data, out var data));
        Assert.Equal([1, 2, 3, 4, 5], data.ToArray());
    }

    [Fact]
    public async Task A_silent_server_fails_the_allocation_after_the_retransmissions()
    {
        var ct = TestContext.Current.CancellationToken;
        using var server = new ScriptedTurnServer();
        var client = NewClient(server);
        var finished = 0;
        client.AllocationFinished = _ => finished++;

        client.Start(_now);
        for (var i = 0; i < 200 && client.State == TurnAllocationState.Allocating; i++)
        {
            _now += TimeSpan.FromMilliseconds(100);
            client.Poll(_now);
        }

        Assert.Equal(TurnAllocationState.Failed, client.State);
        Assert.Equal(1, finished);
        Assert.Contains("timeout", client.Error, StringComparison.Ordinal);
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(StunMethod.Allocate, (await server.NextRequestAsync(ct)).Method);
        }
    }

    [Fact]
    public void Channel_data_parser_rejects_truncation_and_survives_random_input()
    {
        var buffer = new byte[10];
        TurnFraming.WriteChannelData(buffer, 0x4001, [1, 2, 3, 4, 5, 6]);
        for (var n = 0; n < 10; n++)
        {
            Assert.False(TurnFraming.TryReadChannelData(buffer.AsSpan(0, n), out _, out _, out _));
        }

        Assert.True(TurnFraming.TryReadChannelData(buffer, out var channel, out var offset, out var length));
        Assert.Equal((0x4001, 4, 6), (channel, offset, length));

        var random = new FuzzRandom(8656);
        for (var i = 0; i < 10000; i++)
        {
            var input = random.Bytes(random.Next(0, 64));
            if (TurnFraming.TryReadChannelData(input, out _, out var o, out var l))
            {
                Assert.True(o + l <= input.Length);
            }
        }
    }

    [Theory]
    [InlineData("stun:stun.example.org", false, "stun.example.org", 3478, "udp")]
    [InlineData("turn:198.18.0.2:3479?transport=udp", true, "198.18.0.2", 3479, "udp")]
    [InlineData("turn:[2001:db8::1]:3478", true, "2001:db8::1", 3478, "udp")]
    [InlineData("turns:turn.example.org", true, "turn.example.org", 5349, "tcp")]
    [InlineData("turn:turn.example.org?transport=tcp", true, "turn.example.org", 3478, "tcp")]
    public void Ice_server_uris_parse(string uri, bool turn, string host, int port, string transport)
    {
        Assert.True(TurnServerAddress.TryParse(uri, out var address));
        Assert.Equal((turn, host, port, transport), (address.IsTurn, address.Host, address.Port, address.Transport));
    }

    [Theory]
    [InlineData("")]
    [InlineData("http://x")]
    [InlineData("turn:")]
    [InlineData("turn:host:99999")]
    [InlineData("turn:[::1")]
    public void Bad_ice_server_uris_are_refused(string uri) => Assert.False(TurnServerAddress.TryParse(uri, out _));

    private TurnClient NewClient(ScriptedTurnServer server) =>
        new(server.EndPoint, ScriptedTurnServer.Username, ScriptedTurnServer.Password, server.SendFromClient, new TurnClientOptions(), NullLogger.Instance);

    private async Task<TurnClient> AllocatedClient(ScriptedTurnServer server, uint lifetime, CancellationToken ct)
    {
        var client = NewClient(server);
        client.Start(_now);
        await Deliver(server, client, ScriptedTurnServer.Unauthorized(await server.NextRequestAsync(ct), "nonce-1"));
        await Deliver(server, client, AllocateSuccess(await server.NextRequestAsync(ct), lifetime));
        Assert.Equal(TurnAllocationState.Allocated, client.State);
        return client;
    }

    private static byte[] AllocateSuccess(StunMessage request, uint lifetime) =>
        ScriptedTurnServer.Success(request, b => b
            .AddXorAddress(StunAttributeType.XorRelayedAddress, Relayed)
            .AddXorAddress(StunAttributeType.XorMappedAddress, Mapped)
            .AddUInt32(StunAttributeType.Lifetime, lifetime));

    /// Server → client socket → TurnClient, so the bytes really cross a socket.
    private async Task Deliver(ScriptedTurnServer server, TurnClient client, byte[] response)
    {
        server.SendToClient(response);
        Assert.True(client.HandleFromServer(await server.ClientReceiveAsync(TestContext.Current.CancellationToken), _now));
    }

    private static async Task<StunMessage> NextOfMethod(ScriptedTurnServer server, StunMethod method, CancellationToken ct)
    {
        while (true)
        {
            var request = await server.NextRequestAsync(ct);
            if (request.Method == method)
            {
                return request;
            }
        }
    }
}
