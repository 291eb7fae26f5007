using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.RegularExpressions;
using MQTTnet;
using MQTTnet.Protocol;
using Vigil.Server.Tests.Support;
using Vigil.TestSupport;

namespace Vigil.Agent.Tests;

/// <summary><c>vigil-agent run</c> (the real binary) against <c>vigil serve</c> as a real process, restarted under it.</summary>
public sealed class RunCommandTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A data directory with <paramref name="serials"/> in the registry and a claim bundle naming the MQTT port of <paramref name="settings"/>.</summary>
    private static async Task<string> PrepareAsync(string store, string bundle, Dictionary<string, string?> settings, params string[] serials)
    {
        var registry = Path.Combine(Path.GetDirectoryName(store)!, "registry.csv");
        await File.WriteAllTextAsync(registry, "serial,secret,model\n" + string.Concat(serials.Select(s => $"{s},secret-{s},Cam\n")), Ct);
        var import = await VigilExecutable.RunAsync(store, ["registry", "import", registry], settings, cancellationToken: Ct);
        Assert.True(import.ExitCode == 0, import.StandardError);
        var claim = await VigilExecutable.RunAsync(store, ["claim", "create", "--out", bundle], settings, cancellationToken: Ct);
        Assert.True(claim.ExitCode == 0, claim.StandardError);
        return Path.Combine(bundle, "agent.json");
    }

    [Fact]
    public async Task Run_keeps_the_camera_online_across_a_server_restart_and_leaves_with_a_disconnect_on_sigterm()
    {
        using var data = new TempDirectory("agent-run");
        // MONITOR-1 watches presence, to tell a goodbye (MQTT DISCONNECT) from a vanished process:
        // either way the socket closes and the camera shows offline at once.
        var settings = ServerProcess.SettingsFor(new Dictionary<string, string?> { ["VIGIL__Provisioning__PresenceSubscribers__0"] = "MONITOR-1" });
        var store = Path.Combine(data.Path, "vigil");
        var bundle = Path.Combine(data.Path, "bundle");
        var config = await PrepareAsync(store, bundle, settings, "CAM-RUN-1", "MONITOR-1");
        var monitorState = Path.Combine(data.Path, "monitor");

        var server = await ServerProcess.StartAsync(store, settings, Ct);
        try
        {
            var provision = await AgentExecutable.RunAsync(["provision", "--config", config, "--serial", "CAM-RUN-1"], cancellationToken: Ct);
            Assert.True(provision.ExitCode == 0, provision.StandardError + provision.StandardOutput);
            var monitorProvision = await AgentExecutable.RunAsync(["provision", "--config", config, "--serial", "MONITOR-1", "--state", monitorState], cancellationToken: Ct);
            Assert.True(monitorProvision.ExitCode == 0, monitorProvision.StandardError + monitorProvision.StandardOutput);

            await using var agent = ExternalProcess.Start(AgentExecutable.Path, ["run", "--config", config, "--source", "none"]);
            await agent.WaitForLineAsync(l => l.StartsWith("Online:", StringComparison.Ordinal), Patience, Ct);
            await server.WaitUntilOnlineAsync("CAM-RUN-1", online: true, Ct);

            server.Dispose();
            await agent.WaitForLineAsync(l => l.StartsWith("Offline:", StringComparison.Ordinal), Patience, Ct);
            server = await ServerProcess.StartAsync(store, settings, Ct);
            await Eventually.WaitAsync(() => Task.FromResult(Regex.Count(agent.Output, "^Online:", RegexOptions.Multiline) >= 2), Patience, "the agent online again", Ct);
            await server.WaitUntilOnlineAsync("CAM-RUN-1", online: true, Ct);

            using var monitor = await ConnectMonitorAsync(bundle, monitorState, server.MqttPort);
            var presence = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
            monitor.ApplicationMessageReceivedAsync += e =>
            {
                using var json = JsonDocument.Parse(e.ApplicationMessage.Payload);
                presence.TrySetResult(json.RootElement.Clone());
                return Task.CompletedTask;
            };
            await monitor.SubscribeAsync("$aws/events/presence/disconnected/CAM-RUN-1", MqttQualityOfServiceLevel.AtLeastOnce, Ct);

            agent.Terminate();
            Assert.Equal(0, await agent.WaitForExitAsync(Patience, Ct));
            Assert.Contains("Stopped.", agent.Output, StringComparison.Ordinal);
            var goodbye = await presence.Task.WaitAsync(Patience, Ct);
            Assert.Equal((true, "CLIENT_INITIATED_DISCONNECT"), (goodbye.GetProperty("clientInitiatedDisconnect").GetBoolean(), goodbye.GetProperty("disconnectReason").GetString()));
            await server.WaitUntilOnlineAsync("CAM-RUN-1", online: false, Ct);
        }
        finally
        {
            server.Dispose();
        }
    }

    [Fact]
    public async Task Run_before_provisioning_says_what_to_do_and_a_revoked_camera_stops_with_exit_code_3()
    {
        using var data = new TempDirectory("agent-revoked");
        var settings = ServerProcess.SettingsFor(new Dictionary<string, string?> { ["VIGIL__Provisioning__CertificateRecheckInterval"] = "00:00:00.5" });
        var store = Path.Combine(data.Path, "vigil");
        var config = await PrepareAsync(store, Path.Combine(data.Path, "bundle"), settings, "CAM-RUN-2");
        using var server = await ServerProcess.StartAsync(store, settings, Ct);

        var early = await AgentExecutable.RunAsync(["run", "--config", config], cancellationToken: Ct);
        Assert.Equal(1, early.ExitCode);
        Assert.Equal("vigil-agent: this camera is not provisioned yet; run first: vigil-agent provision --config agent.json --serial SERIAL", early.StandardError.Trim());

        var provision = await AgentExecutable.RunAsync(["provision", "--config", config, "--serial", "CAM-RUN-2"], cancellationToken: Ct);
        Assert.True(provision.ExitCode == 0, provision.StandardError + provision.StandardOutput);
        await using var agent = ExternalProcess.Start(AgentExecutable.Path, ["run", "--config", config, "--source", "none"]);
        await agent.WaitForLineAsync(l => l.StartsWith("Online:", StringComparison.Ordinal), Patience, Ct);

        var revoke = await server.RunAsync(["things", "revoke", "CAM-RUN-2"], Ct);
        Assert.True(revoke.ExitCode == 0, revoke.StandardError);

        Assert.Equal(3, await agent.WaitForExitAsync(Patience, Ct));
        Assert.Contains("vigil-agent: the server refused the device certificate", agent.Output, StringComparison.Ordinal);
        Assert.Contains("it may have been revoked", agent.Output, StringComparison.Ordinal);
    }

    /// <summary>The presence watcher, connected with the certificate <c>vigil-agent provision</c> stored for it.</summary>
    private static async Task<IMqttClient> ConnectMonitorAsync(string bundle, string state, int port)
    {
        using var root = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(Path.Combine(bundle, "root-ca.pem"), Ct));
        using var certificate = X509Certificate2.CreateFromPemFile(Path.Combine(state, "device.cert.pem"), Path.Combine(state, "device.private.key"));
        var client = new MqttClientFactory().CreateMqttClient();
        var connect = await client.ConnectAsync(
            new MqttClientOptionsBuilder().WithTcpServer("localhost", port).WithClientId("MONITOR-1").WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
                .WithTlsOptions(t => t.UseTls().WithTargetHost("localhost").WithTrustChain([root]).WithRevocationMode(X509RevocationMode.NoCheck).WithClientCertificates([certificate]))
                .Build(),
            Ct);
        Assert.Equal(MqttClientConnectResultCode.Success, connect.ResultCode);
        return client;
    }
}
