using System.Net;
using System.Net.WebSockets;
using Microsoft.Extensions.Time.Testing;
using Vigil.Server.Features.Signaling;
using Vigil.Server.Tests.Features.Signaling;
using Vigil.SigV4;
using Vigil.TestSupport;

namespace Vigil.Server.Tests.Features.Cluster;

/// <summary>
/// Signaling across two nodes in cluster mode (PostgreSQL + Redis, real sockets): the master on one node, its
/// viewers on the other, with the KVS semantics a single node keeps (exact frames, order, one master, the viewer
/// limit, waiting messages). Redis is required: without VIGIL_TEST_REDIS these tests fail.
/// </summary>
public sealed class ClusterSignalingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(ClusterNodes Nodes, SigV4Credentials Admin, string Arn)> StartAsync(int ttl = 60, Action<IServiceCollection>? services = null)
    {
        var nodes = await ClusterNodes.StartAsync(Ct, services: services);
        var admin = await TestCredentials.AdminKeyAsync(nodes.Node1);
        using var kvs = KvsTestClient.For(nodes.Node1, admin);
        // Unique per test: every test shares the one Redis.
        return (nodes, admin, await kvs.CreateChannelAsync($"cluster-{Guid.NewGuid():N}", Ct, ttl));
    }

    [Fact]
    public async Task A_master_on_node_1_and_a_viewer_on_node_2_exchange_offer_answer_and_candidates_with_exact_frames()
    {
        var (nodes, admin, arn) = await StartAsync();
        await using var _ = nodes;
        await using var master = await SignalingTestSocket.ConnectAsync(nodes.Node1, admin, arn, null, Ct);
        await using var viewer = await SignalingTestSocket.ConnectAsync(nodes.Node2, admin, arn, "viewer-1", Ct);
        var offer = SignalingTestSocket.Offer;
        var answer = SignalingTestSocket.Answer;

        await viewer.SendAsync($$"""{"action":"SDP_OFFER","messagePayload":"{{offer}}"}""", Ct);
        var atMaster = await master.ReceiveTextAsync(Ct);
        await viewer.SendAsync($$"""{"action":"ICE_CANDIDATE","messagePayload":"{{SignalingTestSocket.Candidate(1)}}"}""", Ct);
        var candidateAtMaster = await master.ReceiveTextAsync(Ct);
        await master.SendAsync($$"""{"action":"SDP_ANSWER","recipientClientId":"viewer-1","messagePayload":"{{answer}}"}""", Ct);
        var atViewer = await viewer.ReceiveTextAsync(Ct);
        await master.SendAsync($$"""{"action":"ICE_CANDIDATE","recipientClientId":"viewer-1","messagePayload":"{{SignalingTestSocket.Candidate(2)}}"}""", Ct);
        var candidateAtViewer = await viewer.ReceiveTextAsync(Ct);

        Assert.Equal($$"""{"senderClientId":"viewer-1","messageType":"SDP_OFFER","messagePayload":"{{offer}}"}""", atMaster);
        Assert.Equal($$"""{"senderClientId":"viewer-1","messageType":"ICE_CANDIDATE","messagePayload":"{{SignalingTestSocket.Candidate(1)}}"}""", candidateAtMaster);
        Assert.Equal($$"""{"messageType":"SDP_ANSWER","messagePayload":"{{answer}}"}""", atViewer);
        Assert.Equal($$"""{"messageType":"ICE_CANDIDATE","messagePayload":"{{SignalingTestSocket.Candidate(2)}}"}""", candidateAtViewer);
    }

    [Fact]
    public async Task Messages_across_nodes_keep_their_order()
    {
        var (nodes, admin, arn) = await StartAsync();
        await using var _ = nodes;
        await using var master = await SignalingTestSocket.ConnectAsync(nodes.Node1, admin, arn, null, Ct);
        await using var viewer = await SignalingTestSocket.ConnectAsync(nodes.Node2, admin, arn, "ordered", Ct);
        const int count = 20; // Signaling:IceCandidatesPerSecond's burst

        for (var i = 0; i < count; i++)
        {
            await viewer.SendAsync($$"""{"action":"ICE_CANDIDATE","messagePayload":"{{SignalingTestSocket.Candidate(i)}}"}""", Ct);
        }

        var received = new List<string>();
        for (var i = 0; i < count; i++)
        {
            received.Add((await master.ReceiveAsync(Ct)).GetProperty("messagePayload").GetString()!);
        }

        Assert.Equal(Enumerable.Range(0, count).Select(SignalingTestSocket.Candidate), received);
    }

    [Fact]
    public async Task A_newer_master_on_node_2_replaces_the_master_on_node_1()
    {
        var (nodes, admin, arn) = await StartAsync();
        await using var _ = nodes;
        await using var first = await SignalingTestSocket.ConnectAsync(nodes.Node1, admin, arn, null, Ct);
        await using var second = await SignalingTestSocket.ConnectAsync(nodes.Node2, admin, arn, null, Ct);

        var (status, reason, _) = await first.ReceiveCloseAsync(Ct);
        // The viewer's offer, sent on node 1, reaches the new master on node 2.
        await using var viewer = await SignalingTestSocket.ConnectAsync(nodes.Node1, admin, arn, "after-replacement", Ct);
        await viewer.SendAsync($$"""{"action":"SDP_OFFER","messagePayload":"{{SignalingTestSocket.Offer}}"}""", Ct);

        Assert.Equal(WebSocketCloseStatus.PolicyViolation, status);
        Assert.Equal("replaced by a newer connection", reason);
        Assert.Equal("after-replacement", (await second.ReceiveAsync(Ct)).GetProperty("senderClientId").GetString());
    }

    [Fact]
    public async Task The_viewer_limit_counts_viewers_on_both_nodes()
    {
        var (nodes, admin, arn) = await StartAsync();
        await using var _ = nodes;
        var viewers = new List<SignalingTestSocket>();
        try
        {
            for (var i = 0; i < 10; i++)
            {
                // Signaling:ConnectsPerSecondPerChannel is per node (burst 11): 5 per node stays within it.
                viewers.Add(await SignalingTestSocket.ConnectAsync(i % 2 == 0 ? nodes.Node1 : nodes.Node2, admin, arn, $"viewer-{i}", Ct));
            }

            var eleventhOn1 = await SignalingTestSocket.RefusedAsync(nodes.Node1, SignalingTestSocket.PresignedUrl(nodes.Node1, admin, arn, "viewer-10"), Ct);
            var eleventhOn2 = await SignalingTestSocket.RefusedAsync(nodes.Node2, SignalingTestSocket.PresignedUrl(nodes.Node2, admin, arn, "viewer-11"), Ct);
            await viewers[1].DisposeAsync();   // viewer-1, on node 2, leaves
            viewers.RemoveAt(1);
            // Its place is given back in Redis as it leaves: a new viewer gets in.
            viewers.Add(await Eventually.WaitAsync(
                async () =>
                {
                    try
                    {
                        return await SignalingTestSocket.ConnectAsync(nodes.Node1, admin, arn, "viewer-12", Ct);
                    }
                    catch (WebSocketException)
                    {
                        return null;
                    }
                },
                TimeSpan.FromSeconds(10),
                "a viewer is admitted after one of ten left",
                Ct));

            Assert.Equal((HttpStatusCode.BadRequest, "ClientLimitExceededException"), eleventhOn1);
            Assert.Equal((HttpStatusCode.BadRequest, "ClientLimitExceededException"), eleventhOn2);
        }
        finally
        {
            foreach (var viewer in viewers)
            {
                await viewer.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_message_for_a_master_not_yet_connected_waits_in_the_cluster_and_reaches_it_on_the_other_node()
    {
        var (nodes, admin, arn) = await StartAsync();
        await using var _ = nodes;
        await using var viewer = await SignalingTestSocket.ConnectAsync(nodes.Node2, admin, arn, "early-viewer", Ct);

        await viewer.SendAsync($$"""{"action":"SDP_OFFER","messagePayload":"{{SignalingTestSocket.Payload("old offer")}}"}""", Ct);
        await viewer.SendAsync($$"""{"action":"ICE_CANDIDATE","messagePayload":"{{SignalingTestSocket.Candidate(1)}}"}""", Ct);
        await viewer.SendAsync($$"""{"action":"SDP_OFFER","messagePayload":"{{SignalingTestSocket.Payload("new offer")}}"}""", Ct);
        await viewer.SendAsync($$"""{"action":"ICE_CANDIDATE","messagePayload":"{{SignalingTestSocket.Candidate(2)}}"}""", Ct);
        await Eventually.WaitAsync(async () => await QueuedAsync(arn, ChannelSession.MasterKey) == 3, TimeSpan.FromSeconds(10), "the three messages are queued in Redis", Ct);
        await using var master = await SignalingTestSocket.ConnectAsync(nodes.Node1, admin, arn, null, Ct);

        // A newer offer from the same viewer replaced the queued one (as on one node); candidates keep their order.
        Assert.Equal(SignalingTestSocket.Payload("new offer"), (await master.ReceiveAsync(Ct)).GetProperty("messagePayload").GetString());
        Assert.Equal(SignalingTestSocket.Candidate(1), (await master.ReceiveAsync(Ct)).GetProperty("messagePayload").GetString());
        Assert.Equal(SignalingTestSocket.Candidate(2), (await master.ReceiveAsync(Ct)).GetProperty("messagePayload").GetString());
        Assert.Equal(0, await QueuedAsync(arn, ChannelSession.MasterKey));
    }

    [Fact]
    public async Task A_waiting_message_older_than_the_channels_message_ttl_is_not_delivered()
    {
        // Both nodes share one clock the test moves: MessageTtlSeconds (5, the least KVS allows) passes at once.
        var clock = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        var (nodes, admin, arn) = await StartAsync(ttl: 5, services: s => s.AddSingleton<TimeProvider>(clock));
        await using var _ = nodes;
        await using var viewer = await SignalingTestSocket.ConnectAsync(nodes.Node2, admin, arn, "late-viewer", Ct);
        await viewer.SendAsync($$"""{"action":"SDP_OFFER","messagePayload":"{{SignalingTestSocket.Payload("stale offer")}}"}""", Ct);
        await Eventually.WaitAsync(async () => await QueuedAsync(arn, ChannelSession.MasterKey) == 1, TimeSpan.FromSeconds(10), "the offer is queued in Redis", Ct);

        clock.Advance(TimeSpan.FromSeconds(6));
        await using var master = await SignalingTestSocket.ConnectAsync(nodes.Node1, admin, arn, null, Ct);
        await viewer.SendAsync($$"""{"action":"SDP_OFFER","messagePayload":"{{SignalingTestSocket.Payload("fresh offer")}}"}""", Ct);

        Assert.Equal(SignalingTestSocket.Payload("fresh offer"), (await master.ReceiveAsync(Ct)).GetProperty("messagePayload").GetString());
    }

    [Fact]
    public async Task Deleting_a_channel_on_node_1_disconnects_its_clients_on_node_2()
    {
        var (nodes, admin, arn) = await StartAsync();
        await using var _ = nodes;
        await using var master = await SignalingTestSocket.ConnectAsync(nodes.Node2, admin, arn, null, Ct);
        using var kvs = KvsTestClient.For(nodes.Node1, admin);

        var deleted = await kvs.PostAsync("/deleteSignalingChannel", $$"""{"ChannelARN":"{{arn}}"}""", Ct);

        Assert.Equal(200, deleted.Status);
        Assert.Equal("channel deleted", (await master.ReceiveCloseAsync(Ct)).Reason);
    }

    private static async Task<long> QueuedAsync(string arn, string recipient)
    {
        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(Requirements.Redis());
        return await redis.GetDatabase().ListLengthAsync($"vigil:sig:{arn}:q:{recipient}");
    }
}
