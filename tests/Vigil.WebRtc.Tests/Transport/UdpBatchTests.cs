using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging.Abstractions;
using Vigil.WebRtc.Ice;
using Vigil.WebRtc.Stun;
using Vigil.WebRtc.Transport;
using Vigil.WebRtc.Turn;

namespace Vigil.WebRtc.Tests.Transport;

/// Batched sends (sendmmsg on Linux, one SendTo per datagram elsewhere) against real UDP sockets
/// on 127.0.0.1.
public sealed class UdpBatchTests
{
    [Fact]
    public async Task A_burst_arrives_intact_and_in_order_with_one_system_call()
    {
        using var receiver = NewReceiver();
        using var sender = UdpEndpoint.Bind(IPAddress.Loopback, 0, 0, 1024 * 1024);
        var batch = new UdpBatch(16, 1300);
        var sent = Fill(batch, 16, 1200);

        sender.Send(batch, receiver.LocalEndPoint!.Serialize());

        Assert.Equal(0, batch.Count);
        Assert.Equal(1, sender.SendCalls);
        Assert.Equal(0, sender.SendErrors);
        Assert.Equal(sent, await ReceiveAsync(receiver, sent.Count));
    }

    [Fact]
    public async Task The_per_datagram_fallback_sends_the_same_datagrams_in_order()
    {
        using var receiver = NewReceiver();
        using var sender = UdpEndpoint.Bind(IPAddress.Loopback, 0, 0, 1024 * 1024);
        sender.BatchSystemCall = false;
        var batch = new UdpBatch(16, 1300);
        var sent = Fill(batch, 16, 1200);

        sender.Send(batch, receiver.LocalEndPoint!.Serialize());

        Assert.Equal(16, sender.SendCalls);
        Assert.Equal(0, sender.SendErrors);
        Assert.Equal(sent, await ReceiveAsync(receiver, sent.Count));
    }

    [Fact]
    public async Task A_datagram_the_kernel_refuses_is_counted_and_the_rest_of_the_batch_still_goes_out()
    {
        using var receiver = NewReceiver();
        using var sender = UdpEndpoint.Bind(IPAddress.Loopback, 0, 0, 1024 * 1024);
        var batch = new UdpBatch(5, 66_000);
        var small = new[] { Datagram(0, 100), Datagram(1, 200), Datagram(3, 300), Datagram(4, 400) };
        batch.Add(small[0]);
        batch.Add(small[1]);
        batch.Add(Datagram(2, 65_600)); // over the 65,507-byte UDP/IPv4 limit: EMSGSIZE
        batch.Add(small[2]);
        batch.Add(small[3]);

        sender.Send(batch, receiver.LocalEndPoint!.Serialize());

        Assert.Equal(1, sender.SendErrors);
        // sendmmsg sends two and returns 2 (the error is not reported), the next call fails on the
        // big one (-1), the third sends the last two.
        Assert.Equal(3, sender.SendCalls);
        Assert.Equal(small, await ReceiveAsync(receiver, small.Length));
    }

    [Fact]
    public void A_batch_larger_than_the_kernels_per_call_limit_is_split()
    {
        // Sent to a port nobody listens on: loopback takes every datagram and an unconnected UDP
        // socket does not report the ICMP errors, so 1,100 datagrams need no receive buffer.
        var closed = ClosedPort();
        using var sender = UdpEndpoint.Bind(IPAddress.Loopback, 0, 0, 1024 * 1024);
        var batch = new UdpBatch(Sendmmsg.MaxMessagesPerCall + 76, 8);
        Fill(batch, batch.Capacity, 8);

        sender.Send(batch, closed.Serialize());

        Assert.Equal(2, sender.SendCalls);
        Assert.Equal(0, sender.SendErrors);
    }

    [Fact]
    public void Sending_a_batch_allocates_nothing()
    {
        var closed = ClosedPort().Serialize();
        using var sender = UdpEndpoint.Bind(IPAddress.Loopback, 0, 0, 1024 * 1024);
        var batch = new UdpBatch(16, 1300);
        var payload = Datagram(0, 1200);
        void SendOnce()
        {
            for (var i = 0; i < batch.Capacity; i++)
            {
                batch.Add(payload);
            }

            sender.Send(batch, closed);
        }

        SendOnce(); // JIT, P/Invoke stub
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            SendOnce();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(101, sender.SendCalls);
    }

    [Fact]
    public async Task A_relayed_burst_goes_to_the_turn_server_as_send_indications_in_one_call()
    {
        using var turnServer = NewReceiver();
        using var socket = UdpEndpoint.Bind(IPAddress.Loopback, 0, 0, 1024 * 1024);
        var turn = new TurnClient((IPEndPoint)turnServer.LocalEndPoint!, "user", "pass", _ => { }, new TurnClientOptions(), NullLogger.Instance);
        var relay = new RelayBase(socket, turn, new IceCandidate("3", 1, "udp", 16777215, "198.18.0.9", 50001, IceCandidateType.Relay), () => TimeSpan.Zero);
        var peer = new IPEndPoint(IPAddress.Parse("198.18.0.2"), 40000);
        var path = new MediaPath(new IceCandidatePair(relay, new IceRemoteCandidate(new IceCandidate("2", 1, "udp", 1, "198.18.0.2", 40000, IceCandidateType.Host), peer), 0));
        var batch = new UdpBatch(4, 1200 + TurnFraming.MaxSendIndicationOverhead);
        var payloads = Enumerable.Range(0, 4).Select(i => Datagram(i, 1197 + i)).ToList(); // every padding length

        foreach (var payload in payloads)
        {
            path.Add(batch, payload);
        }

        path.Flush(batch);

        Assert.Equal(1, socket.SendCalls);
        var received = await ReceiveAsync(turnServer, payloads.Count);
        for (var i = 0; i < payloads.Count; i++)
        {
            Assert.True(StunMessage.TryParse(received[i], out var indication));
            Assert.Equal((StunMethod.Send, StunClass.Indication), (indication.Method, indication.Class));
            Assert.True(indication.TryGetXorAddress(StunAttributeType.XorPeerAddress, out var to));
            Assert.Equal(peer, to);
            Assert.True(indication.TryGetAttribute(StunAttributeType.Data, out var data));
            Assert.Equal(payloads[i], data.ToArray());
        }
    }

    [Fact]
    public void The_native_message_layout_is_the_linux_one()
    {
        Assert.SkipUnless(IntPtr.Size == 8, "64-bit layout");
        // struct mmsghdr { struct msghdr msg_hdr; unsigned msg_len; } on LP64: 56 + 4 + padding.
        Assert.Equal(64, Marshal.SizeOf<Sendmmsg.Message>());
        Assert.Equal(16, Marshal.SizeOf<Sendmmsg.IoVector>());
        Assert.Equal(
            [0, 8, 16, 24, 32, 40, 48],
            new[] { "Name", "NameLength", "Vector", "VectorLength", "Control", "ControlLength", "Flags" }
                .Select(f => (int)Marshal.OffsetOf<Sendmmsg.MessageHeader>(f)));
        Assert.Equal(56, (int)Marshal.OffsetOf<Sendmmsg.Message>(nameof(Sendmmsg.Message.Length)));
    }

    private static Socket NewReceiver()
    {
        var receiver = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveBufferSize = 1024 * 1024 };
        receiver.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return receiver;
    }

    private static IPEndPoint ClosedPort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return (IPEndPoint)probe.LocalEndPoint!;
    }

    /// A datagram whose bytes depend on its number and position, so swaps and truncation show.
    private static byte[] Datagram(int number, int length)
    {
        var datagram = new byte[length];
        for (var i = 0; i < length; i++)
        {
            datagram[i] = (byte)(number * 31 + i);
        }

        return datagram;
    }

    private static List<byte[]> Fill(UdpBatch batch, int count, int maxLength)
    {
        var sent = new List<byte[]>();
        for (var i = 0; i < count; i++)
        {
            var datagram = Datagram(i, maxLength - (i % 7));
            batch.Add(datagram);
            sent.Add(datagram);
        }

        return sent;
    }

    private static async Task<List<byte[]>> ReceiveAsync(Socket receiver, int count)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        var buffer = new byte[65536];
        var received = new List<byte[]>();
        while (received.Count < count)
        {
            var length = await receiver.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            received.Add(buffer.AsSpan(0, length).ToArray());
        }

        return received;
    }
}
