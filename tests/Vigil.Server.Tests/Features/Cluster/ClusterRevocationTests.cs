using MQTTnet;
using Vigil.Server.Features.Devices;
using Vigil.Server.Features.Identity;
using Vigil.Server.Tests.Features.Signaling;
using Vigil.TestSupport;

namespace Vigil.Server.Tests.Features.Cluster;

/// <summary>
/// Revocation with two nodes in cluster mode: what is revoked on one node (or by a command) closes its MQTT and
/// signaling connections on the other at once, through the backplane's broadcast channel. The periodic checks are
/// set to five minutes here, so only the notice can close anything within the test's waits. Needs Redis.
/// </summary>
public sealed class ClusterRevocationTests
{
    private static readonly TimeSpan AtOnce = TimeSpan.FromSeconds(10);

    private static readonly Dictionary<string, string?> SlowChecks = new()
    {
        ["Provisioning:CertificateRecheckInterval"] = "00:05:00",
        ["Signaling:AccessReviewInterval"] = "00:05:00",
    };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Revoking_a_thing_on_node_1_closes_its_MQTT_connection_on_node_2()
    {
        await using var nodes = await ClusterNodes.StartAsync(Ct, SlowChecks);
        var serial = $"REVK-{Guid.NewGuid():N}"[..16];
        await DeviceClients.ImportAsync(nodes.Node1, serial);
        using var claim = await DeviceClients.NewClaimAsync(nodes.Node1, cancellationToken: Ct);
        using var certificate = await DeviceClients.ProvisionAsync(nodes.Node1, claim, serial, cancellationToken: Ct);
        using var device = await DeviceClients.ConnectAsync(nodes.Node2, certificate, serial, cancellationToken: Ct);
        var dropped = new TaskCompletionSource<MqttClientDisconnectedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        device.DisconnectedAsync += e =>
        {
            dropped.TrySetResult(e);
            return Task.CompletedTask;
        };

        await using (var scope = nodes.Node1.App.Services.CreateAsyncScope())
        {
            Assert.Equal(Server.Hosting.RevokeOutcome.Revoked, await scope.ServiceProvider.GetRequiredService<ThingRegistry>().RevokeAsync(serial, Ct));
        }

        var disconnected = await dropped.Task.WaitAsync(AtOnce, Ct);
        Assert.Equal(MqttClientDisconnectReason.NotAuthorized, disconnected.Reason);
    }

    [Fact]
    public async Task Disabling_an_account_on_node_1_closes_its_signaling_connections_on_both_nodes()
    {
        await using var nodes = await ClusterNodes.StartAsync(Ct, SlowChecks);
        var admin = await TestCredentials.AdminKeyAsync(nodes.Node1);
        var user = await TestCredentials.AdminKeyAsync(nodes.Node1, "leaving@example.com");
        using var kvs = KvsTestClient.For(nodes.Node1, admin);
        var arn = await kvs.CreateChannelAsync($"revoke-{Guid.NewGuid():N}", Ct);
        await using var master = await SignalingTestSocket.ConnectAsync(nodes.Node2, user, arn, null, Ct);
        await using var viewer = await SignalingTestSocket.ConnectAsync(nodes.Node1, user, arn, "leaving-viewer", Ct);

        await using (var scope = nodes.Node1.App.Services.CreateAsyncScope())
        {
            Assert.True(await scope.ServiceProvider.GetRequiredService<UserAccounts>().DisableAsync("leaving@example.com", Ct));
        }

        Assert.Equal("access revoked", (await master.ReceiveCloseAsync(Ct, AtOnce)).Reason);
        Assert.Equal("access revoked", (await viewer.ReceiveCloseAsync(Ct, AtOnce)).Reason);
    }

    [Fact]
    public async Task A_key_revoked_by_the_vigil_command_closes_its_signaling_connections_on_both_nodes()
    {
        await using var nodes = await ClusterNodes.StartAsync(Ct, SlowChecks);
        var key = await TestCredentials.AdminKeyAsync(nodes.Node1);
        using var kvs = KvsTestClient.For(nodes.Node1, key);
        var arn = await kvs.CreateChannelAsync($"revoke-cli-{Guid.NewGuid():N}", Ct);
        await using var master = await SignalingTestSocket.ConnectAsync(nodes.Node1, key, arn, null, Ct);
        await using var viewer = await SignalingTestSocket.ConnectAsync(nodes.Node2, key, arn, "cli-viewer", Ct);

        // The operator's command is another process: it reaches the nodes through Redis, not through either of them.
        var result = await VigilExecutable.RunAsync(
            nodes.Node1.DataPath,
            ["keys", "revoke", key.AccessKeyId],
            new Dictionary<string, string?>
            {
                ["VIGIL__Storage__Provider"] = "Postgres",
                ["VIGIL__Storage__ConnectionString"] = nodes.Node1.Postgres!.ConnectionString,
                ["VIGIL__Cluster__Redis"] = Requirements.Redis(),
            },
            cancellationToken: Ct);
        Assert.True(result.ExitCode == 0, result.StandardError);

        Assert.Equal("access revoked", (await master.ReceiveCloseAsync(Ct, AtOnce)).Reason);
        Assert.Equal("access revoked", (await viewer.ReceiveCloseAsync(Ct, AtOnce)).Reason);
    }
}
