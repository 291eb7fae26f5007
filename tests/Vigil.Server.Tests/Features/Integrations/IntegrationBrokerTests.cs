using System.Text.Json;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using Vigil.Server.Features.Cameras;
using Vigil.Server.Tests.Support;

namespace Vigil.Server.Tests.Features.Integrations;

/// <summary>
/// The integration identity on the real broker, with MQTTnet's client (which we did not write)
/// playing Home Assistant: what it may read, that it may write nothing, and that devices, claim
/// certificates and strangers may not read what it reads.
/// </summary>
public sealed class IntegrationBrokerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static MqttApplicationMessage Message(string topic) =>
        new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload("x").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build();

    [Fact]
    public async Task An_integration_receives_retained_discovery_status_and_state_and_the_removal_of_a_deleted_camera()
    {
        await using var vigil = await RunningVigil.StartAsync(settings: new Dictionary<string, string?> { ["Integrations:CameraRefreshInterval"] = "01:00:00" }, cancellationToken: Ct);
        var camera = await SnapshotTestData.AddCameraAsync(vigil.App.Services, "alice@example.com", "Front door", Ct);
        await IntegrationClients.RefreshDiscoveryAsync(vigil, Ct);
        using var certificate = await IntegrationClients.CreateAsync(vigil, "homeassistant", Ct);
        using var client = await DeviceClients.ConnectAsync(vigil, certificate, "homeassistant", cancellationToken: Ct);
        var messages = new MessageRecorder(client);

        var granted = await client.SubscribeAsync(IntegrationClients.Subscription("homeassistant/#", "vigil/#"), Ct);

        Assert.All(granted.Items, i => Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, i.ResultCode));
        var id = camera.Camera.Id;
        var discovery = await messages.WaitForAsync($"homeassistant/binary_sensor/vigil_{id:N}_person/config", null, Ct);
        Assert.True(discovery.Retained);
        using (var config = JsonDocument.Parse(discovery.Payload))
        {
            var c = config.RootElement;
            Assert.Equal("Person", c.GetProperty("name").GetString());
            Assert.Equal($"vigil_{id:N}_person", c.GetProperty("unique_id").GetString());
            Assert.Equal("occupancy", c.GetProperty("device_class").GetString());
            Assert.Equal($"vigil/{id}/person", c.GetProperty("state_topic").GetString());
            Assert.Equal(("ON", "OFF"), (c.GetProperty("payload_on").GetString(), c.GetProperty("payload_off").GetString()));
            Assert.Equal("vigil/status", c.GetProperty("availability_topic").GetString());
            Assert.Equal(("online", "offline"), (c.GetProperty("payload_available").GetString(), c.GetProperty("payload_not_available").GetString()));
            Assert.Equal($"vigil/{id}/events", c.GetProperty("json_attributes_topic").GetString());
            Assert.Equal("Front door", c.GetProperty("device").GetProperty("name").GetString());
            Assert.Equal([$"vigil_{id:N}"], c.GetProperty("device").GetProperty("identifiers").EnumerateArray().Select(e => e.GetString()));
            Assert.Equal("Vigil", c.GetProperty("origin").GetProperty("name").GetString());
        }

        var status = await messages.WaitForAsync("vigil/status", null, Ct);
        Assert.Equal("online", status.Payload);
        Assert.True(status.Retained);
        var state = await messages.WaitForAsync($"vigil/{id}/person", null, Ct);
        Assert.Equal(("OFF", true), (state.Payload, state.Retained));

        await using (var scope = vigil.App.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<CameraDirectory>().RemoveAsync("Front door", null, Ct);
        }

        await IntegrationClients.RefreshDiscoveryAsync(vigil, Ct);

        // An empty retained config is Home Assistant's signal to delete the entity.
        var removed = await messages.WaitForAsync($"homeassistant/binary_sensor/vigil_{id:N}_person/config", p => p.Length == 0, Ct);
        Assert.Equal("", removed.Payload);
        await messages.WaitForAsync($"vigil/{id}/person", p => p.Length == 0, Ct);

        // And it is gone for the next subscriber too: a new connection gets only the status.
        using var later = await DeviceClients.ConnectAsync(vigil, certificate, "homeassistant", cancellationToken: Ct);
        var laterMessages = new MessageRecorder(later);
        await later.SubscribeAsync(IntegrationClients.Subscription("homeassistant/#", "vigil/#"), Ct);
        await laterMessages.WaitForAsync("vigil/status", null, Ct);
        Assert.DoesNotContain(laterMessages.Seen, m => m.Topic.Contains($"{id:N}", StringComparison.Ordinal) || m.Topic.Contains(id.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_stopping_server_tells_connected_integrations_it_is_offline_before_the_broker_closes()
    {
        await using var vigil = await RunningVigil.StartAsync(cancellationToken: Ct);
        using var certificate = await IntegrationClients.CreateAsync(vigil, "homeassistant", Ct);
        using var client = await DeviceClients.ConnectAsync(vigil, certificate, "homeassistant", cancellationToken: Ct);
        var messages = new MessageRecorder(client);
        await client.SubscribeAsync(IntegrationClients.Subscription("vigil/status"), Ct);
        await messages.WaitForAsync("vigil/status", p => p == "online", Ct);

        var stopping = vigil.App.StopAsync(Ct);

        // (A retained message published to a connected subscriber arrives with the retain flag
        // clear, MQTT 5 §3.3.1.3, so only its arrival is checked.)
        var offline = await messages.WaitForAsync("vigil/status", p => p == "offline", Ct);
        Assert.Equal("offline", offline.Payload);
        await stopping;
    }

    [Fact]
    public async Task An_integration_may_publish_nothing_and_subscribe_to_nothing_else()
    {
        await using var vigil = await RunningVigil.StartAsync(cancellationToken: Ct);
        using var certificate = await IntegrationClients.CreateAsync(vigil, "homeassistant", Ct);
        using var client = await DeviceClients.ConnectAsync(vigil, certificate, "homeassistant", cancellationToken: Ct);

        foreach (var topic in new[] { "vigil/status", "vigil/x/events", "homeassistant/binary_sensor/x/config", "things/CAM-1/command", "homeassistant" })
        {
            var published = await client.PublishAsync(Message(topic), Ct);
            Assert.True(published.ReasonCode == MqttClientPublishReasonCode.NotAuthorized, $"{topic}: {published.ReasonCode}");
        }

        var refused = await client.SubscribeAsync(IntegrationClients.Subscription("#", "+/status", "things/#", "$aws/events/presence/#", "$aws/things/CAM-1/shadow/#", "other/#"), Ct);
        Assert.All(refused.Items, i => Assert.True(i.ResultCode == MqttClientSubscribeResultCode.NotAuthorized, $"{i.TopicFilter.Topic}: {i.ResultCode}"));
        var allowed = await client.SubscribeAsync(IntegrationClients.Subscription("vigil/+/events", "homeassistant/binary_sensor/+/config", "vigil/status"), Ct);
        Assert.All(allowed.Items, i => Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, i.ResultCode));

        // MQTT 3.1.1 has no reason code for PUBLISH: the connection is closed.
        using var v311 = await DeviceClients.ConnectAsync(vigil, certificate, "homeassistant", MqttProtocolVersion.V311, Ct);
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        v311.DisconnectedAsync += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };
        await v311.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("vigil/status").WithPayload("offline").Build(), Ct);
        await closed.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);
    }

    [Fact]
    public async Task An_integration_must_use_its_name_as_client_id_and_is_dropped_when_revoked()
    {
        await using var vigil = await RunningVigil.StartAsync(settings: new Dictionary<string, string?> { ["Provisioning:CertificateRecheckInterval"] = "00:00:00.2" }, cancellationToken: Ct);
        using var certificate = await IntegrationClients.CreateAsync(vigil, "homeassistant", Ct);

        var wrongId = await Assert.ThrowsAsync<MqttConnectRefusedException>(() => DeviceClients.ConnectAsync(vigil, certificate, "CAM-0001", cancellationToken: Ct));
        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, wrongId.Code);

        using var client = await DeviceClients.ConnectAsync(vigil, certificate, "homeassistant", cancellationToken: Ct);
        var dropped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.DisconnectedAsync += _ =>
        {
            dropped.TrySetResult();
            return Task.CompletedTask;
        };
        await using (var scope = vigil.App.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<Server.Features.Integrations.IntegrationDirectory>().RevokeAsync("homeassistant", Ct);
        }

        await dropped.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        var again = await Assert.ThrowsAsync<MqttConnectRefusedException>(() => DeviceClients.ConnectAsync(vigil, certificate, "homeassistant", cancellationToken: Ct));
        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, again.Code);
    }

    [Fact]
    public async Task Devices_claim_certificates_and_clients_without_a_certificate_may_not_read_or_write_vigils_topics()
    {
        await using var vigil = await RunningVigil.StartAsync(cancellationToken: Ct);
        await DeviceClients.ImportAsync(vigil, "CAM-A");
        using var claim = await DeviceClients.NewClaimAsync(vigil, cancellationToken: Ct);
        using var deviceCertificate = await DeviceClients.ProvisionAsync(vigil, claim, "CAM-A", cancellationToken: Ct);
        using var device = await DeviceClients.ConnectAsync(vigil, deviceCertificate, "CAM-A", cancellationToken: Ct);
        using var claimClient = await DeviceClients.ConnectAsync(vigil, claim, "claim-1", cancellationToken: Ct);

        foreach (var client in new[] { device, claimClient })
        {
            var refused = await client.SubscribeAsync(IntegrationClients.Subscription("vigil/#", "homeassistant/#", "vigil/status", "+/status"), Ct);
            Assert.All(refused.Items, i => Assert.True(i.ResultCode == MqttClientSubscribeResultCode.NotAuthorized, $"{i.TopicFilter.Topic}: {i.ResultCode}"));
            var published = await client.PublishAsync(Message("vigil/status"), Ct);
            Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, published.ReasonCode);
        }

        await Assert.ThrowsAnyAsync<Exception>(() => DeviceClients.ConnectAsync(vigil, null, "homeassistant", cancellationToken: Ct));
    }

    [Fact]
    public async Task Vigils_topics_are_server_only_even_when_the_device_policy_allows_everything()
    {
        // An operator who opens the device policy wide still cannot let a camera fake Vigil's messages.
        await using var vigil = await RunningVigil.StartAsync(settings: new Dictionary<string, string?> { ["Provisioning:DeviceTopics:0"] = "#" }, cancellationToken: Ct);
        await DeviceClients.ImportAsync(vigil, "CAM-A");
        using var claim = await DeviceClients.NewClaimAsync(vigil, cancellationToken: Ct);
        using var deviceCertificate = await DeviceClients.ProvisionAsync(vigil, claim, "CAM-A", cancellationToken: Ct);
        using var device = await DeviceClients.ConnectAsync(vigil, deviceCertificate, "CAM-A", cancellationToken: Ct);

        var published = await device.PublishAsync(Message($"vigil/{Guid.NewGuid()}/events"), Ct);
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, published.ReasonCode);
        var other = await device.PublishAsync(Message("things/CAM-A/hello"), Ct);
        Assert.True(other.ReasonCode is MqttClientPublishReasonCode.Success or MqttClientPublishReasonCode.NoMatchingSubscribers, other.ReasonCode.ToString());
    }
}
