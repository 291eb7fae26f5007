using System.Buffers;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using MQTTnet;
using MQTTnet.Packets;
using MQTTnet.Protocol;
using MQTTnet.Server;
using Vigil.Server.Features.Devices;
using Vigil.Server.Features.Integrations;
using Vigil.Server.Features.Provisioning;
using Vigil.Server.Hosting;
using Vigil.Server.Storage;
using Vigil.Server.Tests.Features.Integrations;
using Vigil.TestSupport;

namespace Vigil.Server.Tests.Features.Provisioning;

/// <summary>
/// Retained MQTT messages kept in the database (real server in-process, MQTTnet clients): they survive a restart and
/// reach a node that starts later, a cleared one stays cleared, the per-device cap counts them, a revoked thing's go,
/// and the server's own stay out of the table.
/// </summary>
public sealed class RetainedMessageTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(StorageProviders.All), MemberType = typeof(StorageProviders))]
    public async Task A_devices_retained_message_survives_a_restart_with_its_properties_and_a_cleared_one_stays_cleared(string provider)
    {
        await using var vigil = await RunningVigil.StartAsync(provider, cancellationToken: Ct);
        var serial = Serial("KEEP");
        using var certificate = await ProvisionAsync(vigil, serial);
        using (var device = await DeviceClients.ConnectAsync(vigil, certificate, serial, cancellationToken: Ct))
        {
            await RetainAsync(device, new MqttApplicationMessageBuilder().WithTopic($"things/{serial}/state").WithPayload("on")
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).WithRetainFlag()
                .WithContentType("text/plain").WithResponseTopic($"things/{serial}/replies").WithCorrelationData([7, 8, 9])
                .WithUserProperty("k", "v"u8.ToArray().AsMemory()).WithUserProperty("k", "w"u8.ToArray().AsMemory())
                .WithPayloadFormatIndicator(MqttPayloadFormatIndicator.CharacterData).WithMessageExpiryInterval(3600).Build());
            await RetainAsync(device, Retained($"things/{serial}/gone", "soon gone"));
            await RetainAsync(device, Retained($"things/{serial}/gone", ""));
            await device.DisconnectAsync(cancellationToken: Ct);
        }

        await vigil.RestartAsync(Ct);

        using var subscriber = await DeviceClients.ConnectAsync(vigil, certificate, serial, cancellationToken: Ct);
        var received = Collect(subscriber);
        await subscriber.SubscribeAsync(IntegrationClients.Subscription($"things/{serial}/#"), Ct);
        var state = await received.ReadAsync(Ct).AsTask().WaitAsync(Wait, Ct);
        Assert.Equal($"things/{serial}/state", state.Topic);
        Assert.True(state.Retain, "the message kept over the restart is not flagged retained");
        Assert.Equal("on", Encoding.UTF8.GetString(state.Payload.ToArray()));
        Assert.Equal(MqttQualityOfServiceLevel.AtLeastOnce, state.QualityOfServiceLevel);
        Assert.Equal("text/plain", state.ContentType);
        Assert.Equal($"things/{serial}/replies", state.ResponseTopic);
        Assert.Equal([7, 8, 9], state.CorrelationData);
        Assert.Equal([("k", "v"), ("k", "w")], state.UserProperties.Select(p => (p.Name, p.ReadValueAsString())));
        Assert.Equal(MqttPayloadFormatIndicator.CharacterData, state.PayloadFormatIndicator);
        Assert.InRange(state.MessageExpiryInterval, 1u, 3600u);
        // Loaded before the broker took a client: what it holds now is what the restart brought back.
        Assert.Equal([$"things/{serial}/state"], await BrokerTopicsAsync(vigil, serial));
    }

    [Fact]
    public async Task The_retained_message_cap_still_holds_after_a_restart()
    {
        await using var vigil = await RunningVigil.StartAsync(settings: new Dictionary<string, string?> { ["Provisioning:MaxRetainedMessagesPerDevice"] = "2" }, cancellationToken: Ct);
        var serial = Serial("CAP");
        using var certificate = await ProvisionAsync(vigil, serial);
        using (var device = await DeviceClients.ConnectAsync(vigil, certificate, serial, cancellationToken: Ct))
        {
            await RetainAsync(device, Retained($"things/{serial}/a", "1"));
            await RetainAsync(device, Retained($"things/{serial}/b", "2"));
            await device.DisconnectAsync(cancellationToken: Ct);
        }

        await vigil.RestartAsync(Ct);

        using var again = await DeviceClients.ConnectAsync(vigil, certificate, serial, cancellationToken: Ct);
        var third = await again.PublishAsync(Retained($"things/{serial}/c", "3"), Ct);
        var replaced = await again.PublishAsync(Retained($"things/{serial}/a", "1 again"), Ct);
        Assert.Equal(MqttClientPublishReasonCode.QuotaExceeded, third.ReasonCode);
        Assert.True(replaced.IsSuccess, $"replacing its own retained topic was refused: {replaced.ReasonCode}");
        Assert.Equal([$"things/{serial}/a", $"things/{serial}/b"], await BrokerTopicsAsync(vigil, serial));
    }

    [Theory]
    [MemberData(nameof(StorageProviders.All), MemberType = typeof(StorageProviders))]
    public async Task A_revoked_things_retained_messages_are_gone_from_the_running_broker_the_database_and_the_next_start(string provider)
    {
        await using var vigil = await RunningVigil.StartAsync(provider, cancellationToken: Ct);
        var (revoked, kept) = (Serial("REV"), Serial("STAY"));
        using var claim = await DeviceClients.NewClaimAsync(vigil, cancellationToken: Ct);
        await DeviceClients.ImportAsync(vigil, revoked, kept);
        using var revokedCertificate = await DeviceClients.ProvisionAsync(vigil, claim, revoked, cancellationToken: Ct);
        using var keptCertificate = await DeviceClients.ProvisionAsync(vigil, claim, kept, cancellationToken: Ct);
        using (var device = await DeviceClients.ConnectAsync(vigil, revokedCertificate, revoked, cancellationToken: Ct))
        {
            await RetainAsync(device, Retained($"things/{revoked}/state", "on"));
            await device.DisconnectAsync(cancellationToken: Ct);
        }

        using (var device = await DeviceClients.ConnectAsync(vigil, keptCertificate, kept, cancellationToken: Ct))
        {
            await RetainAsync(device, Retained($"things/{kept}/state", "on"));
            await device.DisconnectAsync(cancellationToken: Ct);
        }

        Assert.Equal([$"things/{revoked}/state"], await BrokerTopicsAsync(vigil, revoked));
        await using (var scope = vigil.App.Services.CreateAsyncScope())
        {
            Assert.Equal(RevokeOutcome.Revoked, await scope.ServiceProvider.GetRequiredService<ThingRegistry>().RevokeAsync(revoked, Ct));
        }

        Assert.Empty(await RowsAsync(vigil, revoked));
        await Eventually.WaitAsync(async () => (await BrokerTopicsAsync(vigil, revoked)).Count == 0, Wait, "the running broker drops the revoked thing's retained message", Ct);
        await vigil.RestartAsync(Ct);
        Assert.Empty(await BrokerTopicsAsync(vigil, revoked));
        Assert.Equal([$"things/{kept}/state"], await BrokerTopicsAsync(vigil, kept));
        Assert.Equal([$"things/{kept}/state"], (await RowsAsync(vigil, kept)).Select(m => m.Topic));
    }

    [Fact]
    public async Task The_servers_own_retained_messages_are_not_stored()
    {
        await using var vigil = await RunningVigil.StartAsync(cancellationToken: Ct);
        var serial = Serial("OWN");
        using var certificate = await ProvisionAsync(vigil, serial);
        var topic = IntegrationTopics.Root + "/test-" + Guid.NewGuid().ToString("N");
        await vigil.App.Services.GetRequiredService<IntegrationPublisher>().PublishAsync(topic, "server"u8.ToArray(), retain: true, "text/plain", IntegrationReach.Node, Ct);
        using (var device = await DeviceClients.ConnectAsync(vigil, certificate, serial, cancellationToken: Ct))
        {
            // A device's message, acknowledged after its write: the server's, written (or not) before it, would be there by now.
            await RetainAsync(device, Retained($"things/{serial}/state", "on"));
        }

        var held = (await vigil.App.Services.GetRequiredService<MqttServer>().GetRetainedMessagesAsync()).Select(m => m.Topic).ToList();
        Assert.Contains(topic, held);
        await using var scope = vigil.App.Services.CreateAsyncScope();
        var stored = await scope.ServiceProvider.GetRequiredService<VigilDbContext>().RetainedMessages.Select(m => m.Topic).ToListAsync(Ct);
        Assert.Equal([$"things/{serial}/state"], stored);
    }

    [Fact]
    public async Task A_node_that_joins_the_cluster_later_delivers_the_retained_messages_set_before_it_started_and_then_the_live_change()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Provisioning:DeviceTopics:0"] = "shared/#",
            ["Provisioning:DeviceTopics:1"] = "${iot:Connection.Thing.ThingName}/#",
        };
        await using var node1 = await ClusterNodes.StartFirstAsync(Ct, settings);
        var (publisherId, subscriberId) = (Serial("PUB"), Serial("SUB"));
        using var claim = await DeviceClients.NewClaimAsync(node1, cancellationToken: Ct);
        await DeviceClients.ImportAsync(node1, publisherId, subscriberId);
        using var publisherCertificate = await DeviceClients.ProvisionAsync(node1, claim, publisherId, cancellationToken: Ct);
        using var subscriberCertificate = await DeviceClients.ProvisionAsync(node1, claim, subscriberId, cancellationToken: Ct);
        using var publisher = await DeviceClients.ConnectAsync(node1, publisherCertificate, publisherId, cancellationToken: Ct);
        await RetainAsync(publisher, new MqttApplicationMessageBuilder().WithTopic("shared/kept").WithPayload("before").WithRetainFlag()
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).WithContentType("text/plain").Build());

        await using var node2 = await ClusterNodes.JoinAsync(node1, Ct, settings);
        using var subscriber = await DeviceClients.ConnectAsync(node2, subscriberCertificate, subscriberId, cancellationToken: Ct);
        var received = Collect(subscriber);
        await subscriber.SubscribeAsync(IntegrationClients.Subscription("shared/#"), Ct);
        var before = await received.ReadAsync(Ct).AsTask().WaitAsync(Wait, Ct);
        Assert.Equal(("shared/kept", "before", true, "text/plain"), (before.Topic, Encoding.UTF8.GetString(before.Payload.ToArray()), before.Retain, before.ContentType));

        await RetainAsync(publisher, Retained("shared/kept", "after"));
        var after = await received.ReadAsync(Ct).AsTask().WaitAsync(Wait, Ct);
        Assert.Equal(("shared/kept", "after"), (after.Topic, Encoding.UTF8.GetString(after.Payload.ToArray())));
    }

    private static string Serial(string kind) => $"{kind}-{Guid.NewGuid():N}"[..16];

    private static MqttApplicationMessage Retained(string topic, string payload) =>
        new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithRetainFlag().WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build();

    private static async Task RetainAsync(IMqttClient client, MqttApplicationMessage message)
    {
        var result = await client.PublishAsync(message, Ct);
        Assert.True(result.IsSuccess, $"the retained publish on {message.Topic} was refused: {result.ReasonCode} {result.ReasonString}");
    }

    private static async Task<X509Certificate2> ProvisionAsync(RunningVigil vigil, string serial)
    {
        await DeviceClients.ImportAsync(vigil, serial);
        using var claim = await DeviceClients.NewClaimAsync(vigil, cancellationToken: Ct);
        return await DeviceClients.ProvisionAsync(vigil, claim, serial, cancellationToken: Ct);
    }

    /// <summary>The retained topics of one thing that the broker holds in memory, in order.</summary>
    private static async Task<List<string>> BrokerTopicsAsync(RunningVigil vigil, string thing) =>
        [.. (await vigil.App.Services.GetRequiredService<MqttServer>().GetRetainedMessagesAsync())
            .Select(m => m.Topic).Where(t => t.StartsWith($"things/{thing}/", StringComparison.Ordinal)).Order(StringComparer.Ordinal)];

    private static async Task<List<RetainedMessage>> RowsAsync(RunningVigil vigil, string clientId)
    {
        await using var scope = vigil.App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<VigilDbContext>().RetainedMessages.AsNoTracking().Where(m => m.ClientId == clientId).OrderBy(m => m.Topic).ToListAsync(Ct);
    }

    private static ChannelReader<MqttApplicationMessage> Collect(IMqttClient client)
    {
        var arrivals = Channel.CreateUnbounded<MqttApplicationMessage>();
        client.ApplicationMessageReceivedAsync += e =>
        {
            arrivals.Writer.TryWrite(e.ApplicationMessage);
            return Task.CompletedTask;
        };
        return arrivals.Reader;
    }
}
