using System.Buffers;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using MQTTnet;
using MQTTnet.Packets;
using MQTTnet.Protocol;
using StackExchange.Redis;
using Vigil.Contracts.FleetProvisioning;
using Vigil.Server.Features.Cluster;
using Vigil.Server.Features.Devices;
using Vigil.Server.Features.Integrations;
using Vigil.Server.Features.Provisioning;
using Vigil.Server.Tests.Features.Integrations;
using Vigil.TestSupport;

namespace Vigil.Server.Tests.Features.Cluster;

/// <summary>
/// MQTT with two nodes in cluster mode acts as one broker: what a client publishes on one node reaches the subscribers
/// of both, each once and with its properties, under each receiver's policy; a client id connected on both is closed on
/// the node it left; a dead node's things get their <c>disconnected</c> event. One node uses no Redis. Needs Redis.
/// </summary>
public sealed class ClusterMqttTests
{
    private static readonly TimeSpan AtOnce = TimeSpan.FromSeconds(10);

    /// <summary>Devices may use <c>shared/#</c> besides their own topics, so one device can receive another's messages.</summary>
    private static readonly Dictionary<string, string?> SharedTopics = new()
    {
        ["Provisioning:DeviceTopics:0"] = "shared/#",
        ["Provisioning:DeviceTopics:1"] = "${iot:Connection.Thing.ThingName}/#",
    };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_message_published_on_node_1_reaches_subscribers_on_both_nodes_once_with_its_QoS_retain_flag_and_MQTT_5_properties()
    {
        await using var nodes = await ClusterNodes.StartAsync(Ct, SharedTopics);
        var (publisherId, remoteId, localId) = (Serial("PUB"), Serial("FAR"), Serial("NEAR"));
        var certificates = await ProvisionAsync(nodes.Node1, publisherId, remoteId, localId);
        using var publisher = await DeviceClients.ConnectAsync(nodes.Node1, certificates[publisherId], publisherId, cancellationToken: Ct);
        using var remote = await DeviceClients.ConnectAsync(nodes.Node2, certificates[remoteId], remoteId, cancellationToken: Ct);
        using var local = await DeviceClients.ConnectAsync(nodes.Node1, certificates[localId], localId, cancellationToken: Ct);
        var remoteMessages = new Received(remote);
        var localMessages = new Received(local);
        foreach (var client in new[] { remote, local })
        {
            var granted = await client.SubscribeAsync(IntegrationClients.Subscription("shared/#"), Ct);
            Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, Assert.Single(granted.Items).ResultCode);
        }

        await publisher.PublishAsync(
            new MqttApplicationMessageBuilder().WithTopic("shared/one").WithPayload("one").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .WithContentType("application/json").WithResponseTopic($"{publisherId}/replies").WithCorrelationData([1, 2, 3])
                .WithUserProperty("k", "v"u8.ToArray().AsMemory()).WithUserProperty("k", "w"u8.ToArray().AsMemory()).WithPayloadFormatIndicator(MqttPayloadFormatIndicator.CharacterData)
                .WithMessageExpiryInterval(300).Build(),
            Ct);
        await publisher.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("shared/zero").WithPayload("zero").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtMostOnce).Build(), Ct);
        await publisher.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("shared/kept").WithPayload("kept").WithRetainFlag().WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(), Ct);
        await publisher.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("shared/last").WithPayload("last").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(), Ct);
        await remoteMessages.WaitForAsync("shared/last", Ct);
        // Node 2 sends in order what it receives: had it sent node 1's messages back, they would reach node 1 before this.
        await remote.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("shared/end").WithPayload("end").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(), Ct);
        await localMessages.WaitForAsync("shared/end", Ct);
        await remoteMessages.WaitForAsync("shared/end", Ct);

        string[] expected = ["shared/one", "shared/zero", "shared/kept", "shared/last", "shared/end"];
        Assert.Equal(expected, localMessages.Topics);
        Assert.Equal(expected, remoteMessages.Topics);

        var one = remoteMessages.Single("shared/one");
        Assert.Equal("one", Encoding.UTF8.GetString(one.Payload.ToArray()));
        Assert.Equal(MqttQualityOfServiceLevel.AtLeastOnce, one.QualityOfServiceLevel);
        Assert.Equal("application/json", one.ContentType);
        Assert.Equal($"{publisherId}/replies", one.ResponseTopic);
        Assert.Equal([1, 2, 3], one.CorrelationData);
        Assert.Equal([("k", "v"), ("k", "w")], one.UserProperties.Select(p => (p.Name, p.ReadValueAsString())));
        Assert.Equal(MqttPayloadFormatIndicator.CharacterData, one.PayloadFormatIndicator);
        Assert.InRange(one.MessageExpiryInterval, 1u, 300u);
        Assert.Equal(MqttQualityOfServiceLevel.AtMostOnce, remoteMessages.Single("shared/zero").QualityOfServiceLevel);

        // Retained on node 2 as on node 1: a new subscription there gets it, flagged retained.
        await remote.SubscribeAsync(IntegrationClients.Subscription("shared/kept"), Ct);
        var kept = await remoteMessages.WaitForAsync("shared/kept", Ct);
        Assert.True(kept.Retain, "the message retained on node 1 is not retained on node 2");
        Assert.Equal("kept", Encoding.UTF8.GetString(kept.Payload.ToArray()));
    }

    [Fact]
    public async Task A_message_from_node_1_reaches_on_node_2_only_the_integrations_allowed_to_receive_it()
    {
        var settings = new Dictionary<string, string?> { ["Integrations:CameraRefreshInterval"] = "01:00:00" };
        await using var nodes = await ClusterNodes.StartAsync(Ct, settings);
        var services = nodes.Node1.App.Services;
        var anns = (await SnapshotTestData.AddCameraAsync(services, "ann@example.com", "Ann's porch", Ct)).Camera.Id;
        var bobs = (await SnapshotTestData.AddCameraAsync(services, "bob@example.com", "Bob's garage", Ct)).Camera.Id;
        var ann = await SnapshotTestData.AccountAsync(services, "ann@example.com", Ct);
        using var annsCertificate = await IntegrationClients.CreateAsync(nodes.Node1, "anns-home", ann, Ct);
        using var everyonesCertificate = await IntegrationClients.CreateAsync(nodes.Node1, "household", null, Ct);
        using var annsClient = await DeviceClients.ConnectAsync(nodes.Node2, annsCertificate, "anns-home", cancellationToken: Ct);
        using var everyonesClient = await DeviceClients.ConnectAsync(nodes.Node2, everyonesCertificate, "household", cancellationToken: Ct);
        var annsMessages = new Received(annsClient);
        var everyonesMessages = new Received(everyonesClient);
        foreach (var client in new[] { annsClient, everyonesClient })
        {
            var granted = await client.SubscribeAsync(IntegrationClients.Subscription("vigil/+/events"), Ct);
            Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, Assert.Single(granted.Items).ResultCode);
        }

        // In order: a message every node makes itself (not sent on), then Bob's and Ann's events (sent on).
        var publisher = services.GetRequiredService<IntegrationPublisher>();
        await publisher.PublishAsync(IntegrationTopics.Events(anns), Encoding.UTF8.GetBytes("node 1 only"), retain: false, "application/json", IntegrationReach.Node, Ct);
        await publisher.PublishAsync(IntegrationTopics.Events(bobs), Encoding.UTF8.GetBytes("bob"), retain: false, "application/json", IntegrationReach.Cluster, Ct);
        await publisher.PublishAsync(IntegrationTopics.Events(anns), Encoding.UTF8.GetBytes("ann"), retain: false, "application/json", IntegrationReach.Cluster, Ct);

        await everyonesMessages.WaitForAsync(IntegrationTopics.Events(anns), Ct);
        await annsMessages.WaitForAsync(IntegrationTopics.Events(anns), Ct);
        Assert.Equal([IntegrationTopics.Events(bobs), IntegrationTopics.Events(anns)], everyonesMessages.Topics);
        Assert.Equal(["bob", "ann"], everyonesMessages.Payloads);
        // Node 2 checked Ann's owner scope at delivery: Bob's event, which came before hers, did not reach her.
        Assert.Equal([IntegrationTopics.Events(anns)], annsMessages.Topics);
        Assert.Equal(["ann"], annsMessages.Payloads);
    }

    [Fact]
    public async Task A_client_id_that_connects_on_node_2_closes_its_connection_on_node_1_as_session_taken_over()
    {
        var (serial, monitor) = (Serial("MOVE"), Serial("MON"));
        await using var nodes = await ClusterNodes.StartAsync(Ct, new Dictionary<string, string?> { ["Provisioning:PresenceSubscribers:0"] = monitor });
        var certificates = await ProvisionAsync(nodes.Node1, serial, monitor);
        using var watcher = await DeviceClients.ConnectAsync(nodes.Node2, certificates[monitor], monitor, cancellationToken: Ct);
        var events = new Received(watcher);
        await watcher.SubscribeAsync(IntegrationClients.Subscription($"$aws/events/presence/disconnected/{serial}"), Ct);
        using var old = await DeviceClients.ConnectAsync(nodes.Node1, certificates[serial], serial, cancellationToken: Ct);
        var dropped = new TaskCompletionSource<MqttClientDisconnectedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        old.DisconnectedAsync += e =>
        {
            dropped.TrySetResult(e);
            return Task.CompletedTask;
        };

        using var moved = await DeviceClients.ConnectAsync(nodes.Node2, certificates[serial], serial, cancellationToken: Ct);

        var disconnected = await dropped.Task.WaitAsync(AtOnce, Ct);
        Assert.Equal(MqttClientDisconnectReason.SessionTakenOver, disconnected.Reason);
        Assert.True(moved.IsConnected, "the newer connection, on node 2, was closed");
        await Eventually.WaitAsync(() => nodes.Node1.App.Services.GetRequiredService<DeviceConnections>().Get(serial) is null, AtOnce, "node 1 lets the old connection go", Ct);
        Assert.NotNull(nodes.Node2.App.Services.GetRequiredService<DeviceConnections>().Get(serial));
        // Node 1 says why, as for a duplicate on one node; the watcher on node 2 hears it.
        var replaced = JsonSerializer.Deserialize((await events.WaitForAsync($"$aws/events/presence/disconnected/{serial}", Ct)).Payload.ToArray(), FleetProvisioningJsonContext.Default.PresenceEvent)!;
        Assert.Equal((false, "DUPLICATE_CLIENTID"), (replaced.ClientInitiatedDisconnect, replaced.DisconnectReason));
    }

    [Fact]
    public async Task The_things_of_a_dead_node_get_one_disconnected_event_on_every_node_and_those_that_reconnected_get_none()
    {
        var (stranded, returned, monitor1, monitor2) = (Serial("DEAD"), Serial("BACK"), Serial("MON1"), Serial("MON2"));
        var settings = new Dictionary<string, string?> { ["Provisioning:PresenceSubscribers:0"] = monitor1, ["Provisioning:PresenceSubscribers:1"] = monitor2 };
        await using var nodes = await ClusterNodes.StartAsync(Ct, settings);
        var certificates = await ProvisionAsync(nodes.Node1, stranded, returned, monitor1, monitor2);
        using var watcher1 = await DeviceClients.ConnectAsync(nodes.Node1, certificates[monitor1], monitor1, cancellationToken: Ct);
        using var watcher2 = await DeviceClients.ConnectAsync(nodes.Node2, certificates[monitor2], monitor2, cancellationToken: Ct);
        var events1 = new Received(watcher1);
        var events2 = new Received(watcher2);
        foreach (var watcher in new[] { watcher1, watcher2 })
        {
            await watcher.SubscribeAsync(IntegrationClients.Subscription($"$aws/events/presence/disconnected/{stranded}", $"$aws/events/presence/disconnected/{returned}"), Ct);
        }

        // A node that died without a word (SIGKILL, power): both things were connected to it; its liveness key is gone,
        // its presence list is left in Redis, written as that node wrote it (version|session|certificate).
        await using var redis = await ConnectionMultiplexer.ConnectAsync(Requirements.Redis());
        var db = redis.GetDatabase();
        var dead = $"dead{Guid.NewGuid():N}"[..16];
        long strandedVersion, returnedVersion;
        await using (var scope = nodes.Node1.App.Services.CreateAsyncScope())
        {
            var things = scope.ServiceProvider.GetRequiredService<ThingRegistry>();
            strandedVersion = await things.MarkConnectedAsync(stranded, TimeProvider.System.GetUtcNow(), Ct);
            returnedVersion = await things.MarkConnectedAsync(returned, TimeProvider.System.GetUtcNow(), Ct);
        }

        var session = Guid.NewGuid().ToString();
        var strandedCertificateId = Vigil.Server.Features.Pki.Fingerprint.Of(certificates[stranded]);
        var prefix = $"vigil:presence:{nodes.Node1.App.Services.GetRequiredService<ClusterScope>().Value}:";
        await db.HashSetAsync($"{prefix}{dead}", [new HashEntry(stranded, $"{strandedVersion}|{session}|{strandedCertificateId}"), new HashEntry(returned, $"{returnedVersion}|{Guid.NewGuid()}|x")]);
        using var reconnected = await DeviceClients.ConnectAsync(nodes.Node2, certificates[returned], returned, cancellationToken: Ct);
        await Eventually.WaitAsync(async () => await ThingAsync(nodes.Node2, returned) is { } t && t.PresenceVersion > returnedVersion, AtOnce, "node 2 records the reconnection", Ct);
        await db.SetAddAsync($"{prefix}nodes", dead);

        var topic = $"$aws/events/presence/disconnected/{stranded}";
        foreach (var events in new[] { events1, events2 })
        {
            var lost = JsonSerializer.Deserialize((await events.WaitForAsync(topic, Ct, TimeSpan.FromSeconds(20))).Payload.ToArray(), FleetProvisioningJsonContext.Default.PresenceEvent)!;
            Assert.Equal((stranded, "disconnected", false, "CONNECTION_LOST"), (lost.ClientId, lost.EventType, lost.ClientInitiatedDisconnect, lost.DisconnectReason));
            Assert.Equal((session, strandedCertificateId, strandedVersion), (lost.SessionIdentifier, lost.PrincipalIdentifier, lost.VersionNumber));
        }

        // A later event of the returned thing from node 2 (its own, clean disconnect) comes after any the sweep made.
        await reconnected.DisconnectAsync(cancellationToken: Ct);
        var clean = $"$aws/events/presence/disconnected/{returned}";
        await events2.WaitForAsync(clean, Ct);
        await events1.WaitForAsync(clean, Ct);
        foreach (var events in new[] { events1, events2 })
        {
            Assert.Equal([topic, clean], events.Topics);
            Assert.Contains("CLIENT_INITIATED_DISCONNECT", Encoding.UTF8.GetString(events.Single(clean).Payload.ToArray()), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_single_node_delivers_its_messages_once_and_never_uses_Redis()
    {
        await using var vigil = await RunningVigil.StartAsync(settings: SharedTopics, cancellationToken: Ct);
        var (publisherId, subscriberId) = (Serial("PUB"), Serial("SUB"));
        var certificates = await ProvisionAsync(vigil, publisherId, subscriberId);
        using var publisher = await DeviceClients.ConnectAsync(vigil, certificates[publisherId], publisherId, cancellationToken: Ct);
        using var subscriber = await DeviceClients.ConnectAsync(vigil, certificates[subscriberId], subscriberId, cancellationToken: Ct);
        var messages = new Received(subscriber);
        await subscriber.SubscribeAsync(IntegrationClients.Subscription("shared/#"), Ct);

        await publisher.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("shared/one").WithPayload("one").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(), Ct);
        await publisher.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("shared/two").WithPayload("two").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(), Ct);
        await messages.WaitForAsync("shared/two", Ct);

        Assert.Equal(["shared/one", "shared/two"], messages.Topics);
        var relay = vigil.App.Services.GetRequiredService<MqttClusterRelay>();
        Assert.False(relay.Enabled);
        Assert.False(vigil.App.Services.GetRequiredService<ClusterRedis>().IsConnected, "a node without Cluster:Redis connected to Redis");
    }

    private static string Serial(string kind) => $"{kind}-{Guid.NewGuid():N}"[..16];

    private static async Task<Dictionary<string, X509Certificate2>> ProvisionAsync(RunningVigil node, params string[] serials)
    {
        await DeviceClients.ImportAsync(node, serials);
        using var claim = await DeviceClients.NewClaimAsync(node, cancellationToken: Ct);
        var certificates = new Dictionary<string, X509Certificate2>();
        foreach (var serial in serials)
        {
            certificates[serial] = await DeviceClients.ProvisionAsync(node, claim, serial, cancellationToken: Ct);
        }

        return certificates;
    }

    private static async Task<Thing?> ThingAsync(RunningVigil node, string name)
    {
        await using var scope = node.App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ThingRegistry>().FindAsync(name, Ct);
    }

    /// <summary>Every message a client receives, in order, whole (properties included).</summary>
    private sealed class Received
    {
        private readonly Channel<MqttApplicationMessage> _arrivals = Channel.CreateUnbounded<MqttApplicationMessage>();
        private readonly List<MqttApplicationMessage> _seen = [];
        private int _read;

        public Received(IMqttClient client) =>
            client.ApplicationMessageReceivedAsync += e =>
            {
                _arrivals.Writer.TryWrite(e.ApplicationMessage);
                return Task.CompletedTask;
            };

        /// <summary>The topics received so far (those the waits have read), in order.</summary>
        public IReadOnlyList<string> Topics => [.. _seen.Select(m => m.Topic)];

        public IReadOnlyList<string> Payloads => [.. _seen.Select(m => Encoding.UTF8.GetString(m.Payload.ToArray()))];

        public MqttApplicationMessage Single(string topic) => Assert.Single(_seen, m => m.Topic == topic);

        /// <summary>The next message on <paramref name="topic"/> after those already returned.</summary>
        public async Task<MqttApplicationMessage> WaitForAsync(string topic, CancellationToken cancellationToken, TimeSpan? timeout = null)
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(timeout ?? AtOnce);
            try
            {
                while (true)
                {
                    for (; _read < _seen.Count; _read++)
                    {
                        if (_seen[_read].Topic == topic)
                        {
                            return _seen[_read++];
                        }
                    }

                    _seen.Add(await _arrivals.Reader.ReadAsync(deadline.Token));
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"no message on {topic}; received: {string.Join(", ", Topics)}");
            }
        }
    }
}
