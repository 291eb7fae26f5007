using System.Text.Json;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using Vigil.Contracts.FleetProvisioning;
using Vigil.Server.Features.Provisioning;
using Vigil.TestSupport;

namespace Vigil.Server.Tests.Features.Provisioning;

/// <summary>Device-plane limits over real MQTT (MQTTnet's client): certificate requests, packet size, retained messages.</summary>
public sealed class DevicePlaneLimitsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Certificate_requests_over_the_per_claim_limit_get_a_throttling_error_and_another_claim_still_gets_certificates()
    {
        await using var vigil = await RunningVigil.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Provisioning:CertificateRequestsPerClaimPerMinute"] = "3",
            ["Provisioning:CertificateRequestsPerAddressPerMinute"] = "100",
        }, cancellationToken: Ct);
        using var claim = await DeviceClients.NewClaimAsync(vigil, cancellationToken: Ct);
        using var other = await DeviceClients.NewClaimAsync(vigil, cancellationToken: Ct);
        using var client = await DeviceClients.ConnectAsync(vigil, claim, "claim-a", cancellationToken: Ct);
        using var otherClient = await DeviceClients.ConnectAsync(vigil, other, "claim-b", cancellationToken: Ct);

        var answers = new List<bool>();
        for (var i = 0; i < 3; i++)
        {
            answers.Add((await DeviceClients.RequestAsync(client, FleetProvisioningTopics.CreateKeys, "{}", Ct)).Accepted);
        }

        var (accepted, body) = await DeviceClients.RequestAsync(client, FleetProvisioningTopics.CreateKeys, "{}", Ct);
        var (csrAccepted, csrBody) = await DeviceClients.RequestAsync(client, FleetProvisioningTopics.CreateFromCsr, "{}", Ct);

        Assert.Equal([true, true, true], answers);
        foreach (var (refused, json) in new[] { (accepted, body), (csrAccepted, csrBody) })
        {
            Assert.False(refused, json);
            var error = JsonSerializer.Deserialize(json, FleetProvisioningJsonContext.Default.ErrorResponse)!;
            Assert.Equal(429, error.StatusCode);
            Assert.Equal("Throttling", error.ErrorCode);
            Assert.Contains("claim certificate (at most 3 a minute)", error.ErrorMessage, StringComparison.Ordinal);
        }

        Assert.True((await DeviceClients.RequestAsync(otherClient, FleetProvisioningTopics.CreateKeys, "{}", Ct)).Accepted);
    }

    [Fact]
    public async Task Certificate_requests_over_the_per_address_limit_are_refused_whatever_the_claim()
    {
        await using var vigil = await RunningVigil.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Provisioning:CertificateRequestsPerClaimPerMinute"] = "100",
            ["Provisioning:CertificateRequestsPerAddressPerMinute"] = "2",
        }, cancellationToken: Ct);
        using var first = await DeviceClients.NewClaimAsync(vigil, cancellationToken: Ct);
        using var second = await DeviceClients.NewClaimAsync(vigil, cancellationToken: Ct);
        using var one = await DeviceClients.ConnectAsync(vigil, first, "claim-1", cancellationToken: Ct);
        using var two = await DeviceClients.ConnectAsync(vigil, second, "claim-2", cancellationToken: Ct);

        Assert.True((await DeviceClients.RequestAsync(one, FleetProvisioningTopics.CreateKeys, "{}", Ct)).Accepted);
        Assert.True((await DeviceClients.RequestAsync(two, FleetProvisioningTopics.CreateKeys, "{}", Ct)).Accepted);
        var (accepted, body) = await DeviceClients.RequestAsync(two, FleetProvisioningTopics.CreateKeys, "{}", Ct);

        Assert.False(accepted, body);
        var error = JsonSerializer.Deserialize(body, FleetProvisioningJsonContext.Default.ErrorResponse)!;
        Assert.Equal(("Throttling", 429), (error.ErrorCode, error.StatusCode));
        Assert.Contains("from this address (at most 2 a minute)", error.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_packet_over_the_maximum_size_closes_an_mqtt5_connection_with_packet_too_large_and_one_under_it_is_accepted()
    {
        await using var vigil = await RunningVigil.StartAsync(cancellationToken: Ct);
        await DeviceClients.ImportAsync(vigil, "CAM-BIG-1");
        using var claim = await DeviceClients.NewClaimAsync(vigil, cancellationToken: Ct);
        using var device = await DeviceClients.ProvisionAsync(vigil, claim, "CAM-BIG-1", cancellationToken: Ct);
        using var client = await DeviceClients.ConnectAsync(vigil, device, "CAM-BIG-1", cancellationToken: Ct);
        var disconnected = new TaskCompletionSource<MqttClientDisconnectedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.DisconnectedAsync += e =>
        {
            disconnected.TrySetResult(e);
            return Task.CompletedTask;
        };

        var under = await client.PublishAsync(Message("things/CAM-BIG-1/small", 120 * 1024), Ct);
        Assert.True(under.IsSuccess, under.ReasonCode.ToString());

        try
        {
            await client.PublishAsync(Message("things/CAM-BIG-1/big", 300 * 1024), Ct);
        }
        catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException or MQTTnet.Exceptions.MqttClientNotConnectedException)
        {
            // The connection closed under the publish.
        }

        var closed = await disconnected.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.Equal(MqttClientDisconnectReason.PacketTooLarge, closed.Reason);
    }

    [Fact]
    public async Task A_packet_larger_than_the_servers_read_buffer_closes_an_mqtt311_connection_at_once_instead_of_stalling()
    {
        await using var vigil = await RunningVigil.StartAsync(cancellationToken: Ct);
        await DeviceClients.ImportAsync(vigil, "CAM-BIG-2");
        using var claim = await DeviceClients.NewClaimAsync(vigil, cancellationToken: Ct);
        using var device = await DeviceClients.ProvisionAsync(vigil, claim, "CAM-BIG-2", cancellationToken: Ct);
        using var client = await DeviceClients.ConnectAsync(vigil, device, "CAM-BIG-2", MqttProtocolVersion.V311, Ct);
        var disconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.DisconnectedAsync += _ =>
        {
            disconnected.TrySetResult();
            return Task.CompletedTask;
        };
        var started = System.Diagnostics.Stopwatch.StartNew();

        try
        {
            await client.PublishAsync(Message("things/CAM-BIG-2/big", 2 * 1024 * 1024), Ct);
        }
        catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException or MQTTnet.Exceptions.MqttClientNotConnectedException)
        {
            // The connection closed under the publish.
        }

        // The keep-alive is 30 s and the client's timeout 15 s: closing within 10 s is the limit, not a timeout.
        await disconnected.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(10), $"closed after {started.Elapsed}");
        Assert.False(client.IsConnected);
    }

    [Fact]
    public async Task A_device_over_its_retained_message_quota_gets_quota_exceeded_and_may_still_replace_and_clear_its_own()
    {
        await using var vigil = await RunningVigil.StartAsync(settings: new Dictionary<string, string?> { ["Provisioning:MaxRetainedMessagesPerDevice"] = "2" }, cancellationToken: Ct);
        await DeviceClients.ImportAsync(vigil, "CAM-RET-1");
        using var claim = await DeviceClients.NewClaimAsync(vigil, cancellationToken: Ct);
        using var device = await DeviceClients.ProvisionAsync(vigil, claim, "CAM-RET-1", cancellationToken: Ct);
        using var client = await DeviceClients.ConnectAsync(vigil, device, "CAM-RET-1", cancellationToken: Ct);
        async Task<string> RetainAsync(string topic, int bytes = 10)
        {
            var result = await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("things/CAM-RET-1/" + topic).WithPayload(new byte[bytes]).WithRetainFlag().WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(), Ct);
            return result.IsSuccess ? "accepted" : result.ReasonCode.ToString(); // accepted: Success or NoMatchingSubscribers
        }

        var first = await RetainAsync("a");
        var second = await RetainAsync("b");
        var third = await RetainAsync("c");
        var replaced = await RetainAsync("a");
        var cleared = await RetainAsync("b", bytes: 0);
        var afterClearing = await RetainAsync("c");

        Assert.Equal(
            ["accepted", "accepted", nameof(MqttClientPublishReasonCode.QuotaExceeded), "accepted", "accepted", "accepted"],
            [first, second, third, replaced, cleared, afterClearing]);
        Assert.True(client.IsConnected);
        var server = vigil.App.Services.GetRequiredService<MQTTnet.Server.MqttServer>();
        Assert.Equal(["things/CAM-RET-1/a", "things/CAM-RET-1/c"], (await server.GetRetainedMessagesAsync()).Select(m => m.Topic).Where(t => t.StartsWith("things/", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
    }

    private static MqttApplicationMessage Message(string topic, int bytes) =>
        new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(new byte[bytes]).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build();
}
