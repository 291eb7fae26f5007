using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using Vigil.Contracts.FleetProvisioning;
using Vigil.Server.Features.Devices;
using Vigil.Server.Hosting;
using Vigil.Server.Storage;
using Vigil.TestSupport;

namespace Vigil.Server.Tests.Features.Provisioning;

/// <summary>Who may connect, publish, subscribe and receive: each refusal proven with a real client.</summary>
public sealed class BrokerAuthorizationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(RunningVigil Vigil, X509Certificate2 Claim)> StartAsync(IDictionary<string, string?>? settings = null, params string[] serials)
    {
        var vigil = await RunningVigil.StartAsync(settings: settings, cancellationToken: Ct);
        await DeviceClients.ImportAsync(vigil, serials);
        return (vigil, await DeviceClients.NewClaimAsync(vigil, cancellationToken: Ct));
    }

    [Fact]
    public async Task A_connection_without_a_client_certificate_fails_the_TLS_handshake()
    {
        var (vigil, claim) = await StartAsync();
        await using var _ = vigil;
        using var __ = claim;
        await Assert.ThrowsAnyAsync<Exception>(() => DeviceClients.ConnectAsync(vigil, null, "anonymous", cancellationToken: Ct));
    }

    [Fact]
    public async Task A_certificate_from_another_CA_fails_the_TLS_handshake()
    {
        var (vigil, claim) = await StartAsync();
        await using var _ = vigil;
        using var __ = claim;
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=Impostor CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var ca = caRequest.CreateSelfSigned(TimeProvider.System.GetUtcNow().AddDays(-1), TimeProvider.System.GetUtcNow().AddDays(30));
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=CAM-0001", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        using var issued = request.Create(ca, TimeProvider.System.GetUtcNow().AddDays(-1), TimeProvider.System.GetUtcNow().AddDays(10), [1, 2, 3, 4]);
        using var foreign = issued.CopyWithPrivateKey(key);

        await Assert.ThrowsAnyAsync<Exception>(() => DeviceClients.ConnectAsync(vigil, foreign, "CAM-0001", cancellationToken: Ct));
    }

    [Fact]
    public async Task A_device_must_use_its_thing_name_as_client_id()
    {
        var (vigil, claim) = await StartAsync(null, "CAM-A");
        await using var _ = vigil;
        using var __ = claim;
        using var device = await DeviceClients.ProvisionAsync(vigil, claim, "CAM-A", cancellationToken: Ct);

        var refused = await Assert.ThrowsAsync<MqttConnectRefusedException>(() => DeviceClients.ConnectAsync(vigil, device, "CAM-B", cancellationToken: Ct));
        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, refused.Code);
    }

    [Fact]
    public async Task A_claim_certificate_may_not_take_over_a_connected_devices_client_id()
    {
        var (vigil, claim) = await StartAsync(null, "CAM-A");
        await using var _ = vigil;
        using var __ = claim;
        using var device = await DeviceClients.ProvisionAsync(vigil, claim, "CAM-A", cancellationToken: Ct);
        using var online = await DeviceClients.ConnectAsync(vigil, device, "CAM-A", cancellationToken: Ct);

        var refused = await Assert.ThrowsAsync<MqttConnectRefusedException>(() => DeviceClients.ConnectAsync(vigil, claim, "CAM-A", cancellationToken: Ct));

        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, refused.Code);
        await online.PingAsync(Ct); // the device's session was not taken over
        Assert.True(online.IsConnected);
    }

    [Fact]
    public async Task A_claim_certificate_may_not_use_a_provisioned_things_name_even_while_it_is_offline_nor_an_integrations_name()
    {
        var (vigil, claim) = await StartAsync(null, "CAM-A");
        await using var _ = vigil;
        using var __ = claim;
        using var device = await DeviceClients.ProvisionAsync(vigil, claim, "CAM-A", cancellationToken: Ct);
        using var bundle = new TempDirectory("integration");
        await using (var scope = vigil.App.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<Server.Features.Integrations.IntegrationDirectory>().CreateAsync("home-assistant", null, bundle.Path, overwrite: true, Ct);
        }

        // 3.1.1 and 5: refused in the CONNACK, not connected and then dropped.
        foreach (var version in new[] { MqttProtocolVersion.V311, MqttProtocolVersion.V500 })
        {
            foreach (var name in new[] { "CAM-A", "home-assistant" })
            {
                var refused = await Assert.ThrowsAsync<MqttConnectRefusedException>(() => DeviceClients.ConnectAsync(vigil, claim, name, version, cancellationToken: Ct));
                Assert.Equal((name, version, MqttClientConnectResultCode.NotAuthorized), (name, version, refused.Code));
            }
        }

        // A re-provisioning camera uses another client id for its claim flow.
        using var reprovisioning = await DeviceClients.ConnectAsync(vigil, claim, "claim-CAM-A", cancellationToken: Ct);
        Assert.True(reprovisioning.IsConnected);
    }

    [Fact]
    public async Task A_claim_connection_whose_client_id_became_a_things_name_publishes_no_presence_for_it()
    {
        var (vigil, claim) = await StartAsync(new Dictionary<string, string?> { ["Provisioning:PresenceSubscribers:0"] = "MONITOR" }, "PRE-1", "MONITOR");
        await using var _ = vigil;
        using var __ = claim;
        using var monitorCert = await DeviceClients.ProvisionAsync(vigil, claim, "MONITOR", cancellationToken: Ct);
        using var monitor = await DeviceClients.ConnectAsync(vigil, monitorCert, "MONITOR", cancellationToken: Ct);
        var events = System.Threading.Channels.Channel.CreateUnbounded<(string Topic, PresenceEvent Event)>();
        monitor.ApplicationMessageReceivedAsync += e =>
        {
            events.Writer.TryWrite((e.ApplicationMessage.Topic, JsonSerializer.Deserialize(System.Buffers.BuffersExtensions.ToArray(e.ApplicationMessage.Payload), FleetProvisioningJsonContext.Default.PresenceEvent)!));
            return Task.CompletedTask;
        };
        await monitor.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("$aws/events/presence/+/PRE-1", MqttQualityOfServiceLevel.AtLeastOnce).Build(), Ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));

        // Firmware that claims under its bare serial: allowed while no thing has that name.
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        X509Certificate2 device;
        using (var claiming = await DeviceClients.ConnectAsync(vigil, claim, "PRE-1", cancellationToken: Ct))
        {
            var (accepted, body) = await DeviceClients.RequestAsync(claiming, Server.Features.Provisioning.FleetProvisioningTopics.CreateFromCsr, JsonSerializer.Serialize(new { certificateSigningRequest = DeviceClients.CsrPem(key) }), Ct);
            Assert.True(accepted, body);
            var created = JsonSerializer.Deserialize(body, FleetProvisioningJsonContext.Default.CreateCertificateFromCsrResponse)!;
            var (registered, answer) = await DeviceClients.RequestAsync(
                claiming,
                Server.Features.Provisioning.FleetProvisioningTopics.Provision("VigilCameraTemplate"),
                JsonSerializer.Serialize(new { certificateOwnershipToken = created.CertificateOwnershipToken, parameters = new { SerialNumber = "PRE-1" } }),
                Ct);
            Assert.True(registered, answer);
            using var issued = X509Certificate2.CreateFromPem(created.CertificatePem);
            device = issued.CopyWithPrivateKey(key);
            var (_, claimConnected) = await events.Reader.ReadAsync(timeout.Token);
            Assert.Equal("connected", claimConnected.EventType);
            await claiming.DisconnectAsync(cancellationToken: Ct);
        }

        // The thing PRE-1 exists now: the claim connection's end is not reported as PRE-1 going offline.
        using var ___ = device;
        using var camera = await DeviceClients.ConnectAsync(vigil, device, "PRE-1", cancellationToken: Ct);
        var (topic, next) = await events.Reader.ReadAsync(timeout.Token);
        Assert.Equal(("$aws/events/presence/connected/PRE-1", Server.Features.Pki.Fingerprint.Of(device)), (topic, next.PrincipalIdentifier));
    }

    [Fact]
    public async Task A_claim_certificate_may_not_publish_to_a_device_topic()
    {
        var (vigil, claim) = await StartAsync();
        await using var _ = vigil;
        using var __ = claim;
        using var v5 = await DeviceClients.ConnectAsync(vigil, claim, "claim-v5", cancellationToken: Ct);
        var result = await v5.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("things/CAM-A/state").WithPayload("x").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(), Ct);
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, result.ReasonCode);
        var response = await v5.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("$aws/certificates/create/json/accepted").WithPayload("{}").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(), Ct);
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, response.ReasonCode);
        var subscribed = await v5.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("things/#").Build(), Ct);
        Assert.Equal(MqttClientSubscribeResultCode.NotAuthorized, subscribed.Items.Single().ResultCode);

        // MQTT 3.1.1 has no reason code for PUBLISH: the connection is closed.
        using var v311 = await DeviceClients.ConnectAsync(vigil, claim, "claim-v311", MqttProtocolVersion.V311, Ct);
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        v311.DisconnectedAsync += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };
        await v311.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("things/CAM-A/state").WithPayload("x").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtMostOnce).Build(), Ct);
        await closed.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);
    }

    [Fact]
    public async Task A_claim_certificate_may_not_use_another_templates_topics()
    {
        var (vigil, claim) = await StartAsync();
        await using var _ = vigil;
        using var __ = claim;
        using var client = await DeviceClients.ConnectAsync(vigil, claim, "claim", cancellationToken: Ct);
        var result = await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("$aws/provisioning-templates/OtherTemplate/provision/json").WithPayload("{}").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(), Ct);
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, result.ReasonCode);
    }

    [Fact]
    public async Task Device_A_may_not_subscribe_to_device_Bs_topics_nor_receive_them()
    {
        var (vigil, claim) = await StartAsync(null, "CAM-A", "CAM-B");
        await using var _ = vigil;
        using var __ = claim;
        using var certA = await DeviceClients.ProvisionAsync(vigil, claim, "CAM-A", cancellationToken: Ct);
        using var certB = await DeviceClients.ProvisionAsync(vigil, claim, "CAM-B", cancellationToken: Ct);
        using var a = await DeviceClients.ConnectAsync(vigil, certA, "CAM-A", cancellationToken: Ct);
        using var b = await DeviceClients.ConnectAsync(vigil, certB, "CAM-B", cancellationToken: Ct);

        var foreign = await a.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("things/CAM-B/#").WithTopicFilter("things/+/state").WithTopicFilter("#").Build(), Ct);
        Assert.All(foreign.Items, i => Assert.Equal(MqttClientSubscribeResultCode.NotAuthorized, i.ResultCode));

        var own = await a.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("things/CAM-A/#", MqttQualityOfServiceLevel.AtLeastOnce).Build(), Ct);
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, own.Items.Single().ResultCode);
        var received = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        a.ApplicationMessageReceivedAsync += e =>
        {
            received.TrySetResult(e.ApplicationMessage.Topic);
            return Task.CompletedTask;
        };

        var toA = await b.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("things/CAM-A/command").WithPayload("x").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(), Ct);
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, toA.ReasonCode);
        await a.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("things/CAM-A/echo").WithPayload("x").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(), Ct);
        Assert.Equal("things/CAM-A/echo", await received.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct));
    }

    [Fact]
    public async Task Revoking_a_thing_drops_its_live_connection_and_it_cannot_connect_again()
    {
        var (vigil, claim) = await StartAsync(new Dictionary<string, string?> { ["Provisioning:CertificateRecheckInterval"] = "00:00:00.2" }, "CAM-A");
        await using var _ = vigil;
        using var __ = claim;
        using var device = await DeviceClients.ProvisionAsync(vigil, claim, "CAM-A", cancellationToken: Ct);
        using var client = await DeviceClients.ConnectAsync(vigil, device, "CAM-A", cancellationToken: Ct);
        var dropped = new TaskCompletionSource<MqttClientDisconnectedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.DisconnectedAsync += e =>
        {
            dropped.TrySetResult(e);
            return Task.CompletedTask;
        };

        await using (var scope = vigil.App.Services.CreateAsyncScope())
        {
            Assert.Equal(RevokeOutcome.Revoked, await scope.ServiceProvider.GetRequiredService<ThingRegistry>().RevokeAsync("CAM-A", Ct));
        }

        var disconnect = await dropped.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.Equal(MqttClientDisconnectReason.NotAuthorized, disconnect.Reason);
        var again = await Assert.ThrowsAsync<MqttConnectRefusedException>(() => DeviceClients.ConnectAsync(vigil, device, "CAM-A", cancellationToken: Ct));
        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, again.Code);
    }

    [Fact]
    public async Task Presence_events_reach_only_allowed_subscribers_and_the_thing_is_online_while_connected()
    {
        var (vigil, claim) = await StartAsync(new Dictionary<string, string?> { ["Provisioning:PresenceSubscribers:0"] = "MONITOR" }, "CAM-A", "MONITOR");
        await using var _ = vigil;
        using var __ = claim;
        using var monitorCert = await DeviceClients.ProvisionAsync(vigil, claim, "MONITOR", cancellationToken: Ct);
        using var cameraCert = await DeviceClients.ProvisionAsync(vigil, claim, "CAM-A", cancellationToken: Ct);
        using var monitor = await DeviceClients.ConnectAsync(vigil, monitorCert, "MONITOR", cancellationToken: Ct);
        var events = System.Threading.Channels.Channel.CreateUnbounded<(string Topic, PresenceEvent Event)>();
        monitor.ApplicationMessageReceivedAsync += e =>
        {
            events.Writer.TryWrite((e.ApplicationMessage.Topic, JsonSerializer.Deserialize(System.Buffers.BuffersExtensions.ToArray(e.ApplicationMessage.Payload), FleetProvisioningJsonContext.Default.PresenceEvent)!));
            return Task.CompletedTask;
        };
        var granted = await monitor.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("$aws/events/presence/+/CAM-A", MqttQualityOfServiceLevel.AtLeastOnce).Build(), Ct);
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, granted.Items.Single().ResultCode);

        using var camera = await DeviceClients.ConnectAsync(vigil, cameraCert, "CAM-A", cancellationToken: Ct);
        var refused = await camera.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("$aws/events/presence/#").Build(), Ct);
        Assert.Equal(MqttClientSubscribeResultCode.NotAuthorized, refused.Items.Single().ResultCode);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(15));
        var (topic, connected) = await events.Reader.ReadAsync(timeout.Token);
        Assert.Equal("$aws/events/presence/connected/CAM-A", topic);
        Assert.Equal(("CAM-A", "connected", "127.0.0.1"), (connected.ClientId, connected.EventType, connected.IpAddress));
        Assert.Equal(Server.Features.Pki.Fingerprint.Of(cameraCert), connected.PrincipalIdentifier);
        Assert.True(connected.VersionNumber >= 1);
        await using (var scope = vigil.App.Services.CreateAsyncScope())
        {
            var thing = await scope.ServiceProvider.GetRequiredService<VigilDbContext>().Things.AsNoTracking().SingleAsync(t => t.Name == "CAM-A", Ct);
            Assert.True(thing.Online);
            Assert.NotNull(thing.LastSeen);
        }

        await camera.DisconnectAsync(cancellationToken: Ct);
        var (_, disconnected) = await events.Reader.ReadAsync(timeout.Token);
        Assert.Equal(("disconnected", true, "CLIENT_INITIATED_DISCONNECT"), (disconnected.EventType, disconnected.ClientInitiatedDisconnect, disconnected.DisconnectReason));
        Assert.Equal(connected.SessionIdentifier, disconnected.SessionIdentifier);
        Assert.Equal(connected.VersionNumber, disconnected.VersionNumber);
        Assert.Null(disconnected.IpAddress);
        await using (var scope = vigil.App.Services.CreateAsyncScope())
        {
            var thing = await scope.ServiceProvider.GetRequiredService<VigilDbContext>().Things.AsNoTracking().SingleAsync(t => t.Name == "CAM-A", Ct);
            Assert.False(thing.Online);
        }
    }
}
