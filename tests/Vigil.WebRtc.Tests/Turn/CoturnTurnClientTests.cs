using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Vigil.TestSupport;
using Vigil.WebRtc.Turn;

namespace Vigil.WebRtc.Tests.Turn;

/// The TURN client against a real coturn (Debian package) on loopback: REST credentials,
/// permissions, Send/Data indications, ChannelBind/ChannelData both ways, and a refresh that
/// meets a stale nonce (coturn started with stale-nonce=2).
[Collection(Interop.InteropCollection.Name)]
public sealed class CoturnTurnClientTests
{
    [Fact]
    public async Task Allocation_permissions_indications_channels_and_a_stale_nonce_refresh_work_against_coturn()
    {
        var ct = TestContext.Current.CancellationToken;
        var port = FreeUdpPort();
        await using var coturn = await CoturnServer.StartAsync(new CoturnOptions(IPAddress.Loopback, Port: port, AllowLoopbackPeers: true,
            MinRelayPort: 50000 + (port % 1000) * 10, MaxRelayPort: 50009 + (port % 1000) * 10, StaleNonceSeconds: 2), ct);
        var (username, password) = TurnRestCredentials.Create(coturn.Options.SharedSecret, "camera", TimeProvider.System.GetUtcNow().AddHours(1));
        using var socket = Bind();
        using var peer = Bind();
        var server = new IPEndPoint(IPAddress.Loopback, port);
        var clock = Stopwatch.StartNew();
        var offset = TimeSpan.Zero;
        TimeSpan Now() => clock.Elapsed + offset;
        var client = new TurnClient(server, username, password, d => socket.SendTo(d.Span, server), new TurnClientOptions(), NullLogger.Instance);
        var received = System.Threading.Channels.Channel.CreateUnbounded<(IPEndPoint Peer, string Text)>();
        client.DataReceived = (from, data) => received.Writer.TryWrite((from, Encoding.ASCII.GetString(data.Span)));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var pump = PumpAsync(socket, client, Now, stop.Token);

        client.Start(Now());
        await Until(() => client.State != TurnAllocationState.Allocating, client, Now, ct);
        Assert.True(client.State == TurnAllocationState.Allocated, $"{client.State}: {client.Error}\n{coturn.Output}");
        var relayed = client.RelayedAddress!;
        Assert.Equal(IPAddress.Loopback, relayed.Address);
        Assert.Equal(((IPEndPoint)socket.LocalEndPoint!).Port, client.MappedAddress!.Port);

        var peerEndPoint = (IPEndPoint)peer.LocalEndPoint!;
        client.RequestPermission(peerEndPoint.Address, Now());
        await Until(() => client.HasPermission(peerEndPoint.Address), client, Now, ct);

        // Send indication out, Data indication back.
        Send(socket, server, peerEndPoint, "via-indication", channel: null);
        var (fromRelay, text) = await ReceiveAsync(peer, ct);
        Assert.Equal(("via-indication", relayed), (text, fromRelay));
        peer.SendTo("reply-1"u8, relayed);
        Assert.Equal((peerEndPoint, "reply-1"), await received.Reader.ReadAsync(ct).AsTask().WaitAsync(TimeSpan.FromSeconds(5), ct));

        // ChannelBind, then ChannelData both ways.
        client.BindChannel(peerEndPoint, Now());
        await Until(() => client.ChannelFor(peerEndPoint) is not null, client, Now, ct);
        Send(socket, server, peerEndPoint, "via-channel", client.ChannelFor(peerEndPoint));
        Assert.Equal("via-channel", (await ReceiveAsync(peer, ct)).Text);
        peer.SendTo("reply-2"u8, relayed);
        Assert.Equal((peerEndPoint, "reply-2"), await received.Reader.ReadAsync(ct).AsTask().WaitAsync(TimeSpan.FromSeconds(5), ct));

        // Let the nonce go stale (coturn: 2 s), then jump our clock to the refresh time.
        await Task.Delay(TimeSpan.FromSeconds(3), ct); // the passage of time is what is under test here
        offset = client.Lifetime / 2 + TimeSpan.FromSeconds(1);
        await Until(() => client.RefreshCount == 1, client, Now, ct);
        Assert.True(client.StaleNonceRetries >= 1, "coturn did not answer 438; stale-nonce not in effect?");
        Assert.Equal(TurnAllocationState.Allocated, client.State);

        client.Close(Now());
        await stop.CancelAsync();
        await pump;
    }

    private static void Send(Socket socket, IPEndPoint server, IPEndPoint peer, string text, ushort? channel)
    {
        var buffer = new byte[256];
        var data = Encoding.ASCII.GetBytes(text);
        var length = channel is { } number ? TurnFraming.WriteChannelData(buffer, number, data) : TurnFraming.WriteSendIndication(buffer, peer, data);
        socket.SendTo(buffer.AsSpan(0, length), server);
    }

    private static async Task<(IPEndPoint From, string Text)> ReceiveAsync(Socket socket, CancellationToken ct)
    {
        var buffer = new byte[2048];
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        var result = await socket.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0), timeout.Token);
        return ((IPEndPoint)result.RemoteEndPoint, Encoding.ASCII.GetString(buffer, 0, result.ReceivedBytes));
    }

    private static async Task PumpAsync(Socket socket, TurnClient client, Func<TimeSpan> now, CancellationToken ct)
    {
        var buffer = new byte[2048];
        try
        {
            while (true)
            {
                var result = await socket.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0), ct);
                lock (client)
                {
                    client.HandleFromServer(buffer.AsSpan(0, result.ReceivedBytes), now());
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// Polls the client's timers until the condition holds (10 s deadline).
    private static Task Until(Func<bool> condition, TurnClient client, Func<TimeSpan> now, CancellationToken ct) =>
        Eventually.WaitAsync(
            () =>
            {
                lock (client)
                {
                    if (condition())
                    {
                        return true;
                    }

                    client.Poll(now());
                    return false;
                }
            },
            TimeSpan.FromSeconds(10),
            "the TURN exchange",
            ct,
            TimeSpan.FromMilliseconds(20));

    private static Socket Bind()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }

    private static int FreeUdpPort()
    {
        using var probe = Bind();
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }
}
