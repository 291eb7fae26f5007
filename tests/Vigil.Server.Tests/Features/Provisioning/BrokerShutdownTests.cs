using System.Diagnostics;
using MQTTnet;
using MQTTnet.Formatter;
using Vigil.TestSupport;

namespace Vigil.Server.Tests.Features.Provisioning;

/// <summary>
/// A stopping server closes its MQTT connections itself ("server shutting down") instead of leaving them to Kestrel,
/// which waits for a connection handler's connections until the shutdown timeout: devices reconnect at once, and a
/// restart no longer takes the whole timeout.
/// </summary>
public sealed class BrokerShutdownTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Stopping_the_server_closes_device_connections_with_server_shutting_down_instead_of_waiting_out_the_timeout()
    {
        // A long timeout: a stop that waited for the connections would take all of it.
        var vigil = await RunningVigil.StartAsync(settings: new Dictionary<string, string?> { ["Server:ShutdownTimeout"] = "00:01:00" }, cancellationToken: Ct);
        try
        {
            await DeviceClients.ImportAsync(vigil, "CAM-STOP-1");
            using var claim = await DeviceClients.NewClaimAsync(vigil, cancellationToken: Ct);
            using var device = await DeviceClients.ProvisionAsync(vigil, claim, "CAM-STOP-1", cancellationToken: Ct);
            using var camera = await DeviceClients.ConnectAsync(vigil, device, "CAM-STOP-1", cancellationToken: Ct);
            using var older = await DeviceClients.ConnectAsync(vigil, claim, "claim-stop", MqttProtocolVersion.V311, Ct);
            var cameraClosed = Disconnected(camera);
            var olderClosed = Disconnected(older);

            var stopping = Stopwatch.StartNew();
            await vigil.App.StopAsync(Ct);
            stopping.Stop();

            var reason = await cameraClosed.WaitAsync(TimeSpan.FromSeconds(10), Ct);
            await olderClosed.WaitAsync(TimeSpan.FromSeconds(10), Ct);
            Assert.Equal(MqttClientDisconnectReason.ServerShuttingDown, reason.Reason);
            Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(30), $"the stop took {stopping.Elapsed.TotalSeconds:0.0} s (Server:ShutdownTimeout is 60 s)");
        }
        finally
        {
            await vigil.DisposeAsync();
        }
    }

    private static Task<MqttClientDisconnectedEventArgs> Disconnected(IMqttClient client)
    {
        var closed = new TaskCompletionSource<MqttClientDisconnectedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.DisconnectedAsync += e =>
        {
            closed.TrySetResult(e);
            return Task.CompletedTask;
        };
        return closed.Task;
    }
}
