using Vigil.Server.Tests.Support;

namespace Vigil.Agent.Tests;

/// <summary><c>vigil-agent run</c> (the real binary) against <c>vigil serve</c> as a real process, restarted under it.</summary>
public sealed class RunCommandTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A data directory with <paramref name="serial"/> in the registry and a claim bundle naming the MQTT port of <paramref name="settings"/>.</summary>
    private static async Task<string> PrepareAsync(string store, string bundle, string serial, Dictionary<string, string?> settings)
    {
        var registry = Path.Combine(Path.GetDirectoryName(store)!, "registry.csv");
        await File.WriteAllTextAsync(registry, $"serial,secret,model\n{serial},secret-{serial},Cam\n", Ct);
        var import = await VigilExecutable.RunAsync(store, ["registry", "import", registry], settings, cancellationToken: Ct);
        Assert.True(import.ExitCode == 0, import.StandardError);
        var claim = await VigilExecutable.RunAsync(store, ["claim", "create", "--out", bundle], settings, cancellationToken: Ct);
        Assert.True(claim.ExitCode == 0, claim.StandardError);
        return Path.Combine(bundle, "agent.json");
    }

    [Fact]
    public async Task Run_keeps_the_camera_online_across_a_server_restart_and_sigterm_takes_it_offline_at_once()
    {
        using var data = new TempDirectory("agent-run");
        // The keep-alive is long (30 s): seeing the camera offline within seconds of SIGTERM proves
        // the agent said goodbye (MQTT DISCONNECT) rather than just vanishing.
        var settings = ServerProcess.SettingsFor();
        var store = Path.Combine(data.Path, "vigil");
        var config = await PrepareAsync(store, Path.Combine(data.Path, "bundle"), "CAM-RUN-1", settings);

        var server = await ServerProcess.StartAsync(store, settings, Ct);
        try
        {
            var provision = await AgentExecutable.RunAsync(["provision", "--config", config, "--serial", "CAM-RUN-1"], cancellationToken: Ct);
            Assert.True(provision.ExitCode == 0, provision.StandardError + provision.StandardOutput);

            using var agent = AgentProcess.Start("run", "--config", config);
            await agent.WaitForOutputAsync("Online:", 1, Patience, Ct);
            await server.WaitUntilOnlineAsync("CAM-RUN-1", online: true, Ct);

            server.Dispose();
            await agent.WaitForOutputAsync("Offline:", 1, Patience, Ct);
            server = await ServerProcess.StartAsync(store, settings, Ct);
            await agent.WaitForOutputAsync("Online:", 2, Patience, Ct);
            await server.WaitUntilOnlineAsync("CAM-RUN-1", online: true, Ct);

            agent.Terminate();
            Assert.Equal(0, await agent.WaitForExitAsync(Patience, Ct));
            Assert.Contains("Stopped.", agent.Output, StringComparison.Ordinal);
            var stopped = System.Diagnostics.Stopwatch.StartNew();
            await server.WaitUntilOnlineAsync("CAM-RUN-1", online: false, Ct);
            Assert.True(stopped.Elapsed < TimeSpan.FromSeconds(20), $"offline only after {stopped.Elapsed}: the agent did not disconnect cleanly");
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
        var config = await PrepareAsync(store, Path.Combine(data.Path, "bundle"), "CAM-RUN-2", settings);
        using var server = await ServerProcess.StartAsync(store, settings, Ct);

        var early = await AgentExecutable.RunAsync(["run", "--config", config], cancellationToken: Ct);
        Assert.Equal(1, early.ExitCode);
        Assert.Equal("vigil-agent: this camera is not provisioned yet; run first: vigil-agent provision --config agent.json --serial SERIAL", early.StandardError.Trim());

        var provision = await AgentExecutable.RunAsync(["provision", "--config", config, "--serial", "CAM-RUN-2"], cancellationToken: Ct);
        Assert.True(provision.ExitCode == 0, provision.StandardError + provision.StandardOutput);
        using var agent = AgentProcess.Start("run", "--config", config);
        await agent.WaitForOutputAsync("Online:", 1, Patience, Ct);

        var revoke = await server.RunAsync(["things", "revoke", "CAM-RUN-2"], Ct);
        Assert.True(revoke.ExitCode == 0, revoke.StandardError);

        Assert.Equal(3, await agent.WaitForExitAsync(Patience, Ct));
        Assert.Contains("vigil-agent: the server refused the device certificate", agent.Output, StringComparison.Ordinal);
        Assert.Contains("it may have been revoked", agent.Output, StringComparison.Ordinal);
    }
}
