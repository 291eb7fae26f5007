using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Vigil.Server.Features.Pki;
using Vigil.Server.Features.Provisioning;
using Vigil.Server.Storage;
using Vigil.TestSupport;

namespace Vigil.Agent.Tests;

/// <summary><c>vigil-agent provision</c> (the real binary) against the real server on loopback.</summary>
public sealed class ProvisionCommandTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A running server with one camera in its registry and a claim bundle pointing at it.</summary>
    private sealed class Rig : IAsyncDisposable
    {
        private Rig(RunningVigil vigil, string bundle)
        {
            Vigil = vigil;
            Bundle = bundle;
        }

        public RunningVigil Vigil { get; }

        public string Bundle { get; }

        public string Config => System.IO.Path.Combine(Bundle, "agent.json");

        public static Task<Rig> StartAsync(params string[] serials) => StartAsync(null, serials);

        /// <summary>With <paramref name="frontDoorPort"/>, the server has a front door there and the bundle is left as written (it names the front door).</summary>
        public static async Task<Rig> StartAsync(int? frontDoorPort, params string[] serials)
        {
            var settings = frontDoorPort is { } door
                ? new Dictionary<string, string?> { ["Server:PublicHost"] = "localhost", ["Server:FrontDoorPort"] = door.ToString(System.Globalization.CultureInfo.InvariantCulture) }
                : null;
            var vigil = await RunningVigil.StartAsync(settings: settings, cancellationToken: Ct);
            await DeviceClients.ImportAsync(vigil, serials);
            var bundle = System.IO.Path.Combine(vigil.DataPath, "bundle");
            await using (var scope = vigil.App.Services.CreateAsyncScope())
            {
                await scope.ServiceProvider.GetRequiredService<ClaimBundleWriter>().WriteAsync(bundle, null, false, Ct);
            }

            if (frontDoorPort is not null)
            {
                return new Rig(vigil, bundle);
            }

            // The bundle names the configured port; point it at the port the test server got.
            var config = System.IO.Path.Combine(bundle, "agent.json");
            var json = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(config, Ct))!;
            json["mqtt"]!["host"] = "localhost";
            json["mqtt"]!["port"] = vigil.MqttPort();
            await File.WriteAllTextAsync(config, json.ToJsonString(), Ct);
            return new Rig(vigil, bundle);
        }

        public Task<ProcessResult> ProvisionAsync(string serial, string? fault = null, params string[] extra) =>
            AgentExecutable.RunAsync(
                ["provision", "--config", Config, "--serial", serial, .. extra],
                new Dictionary<string, string?> { ["VIGIL_AGENT_FAULT"] = fault },
                Ct);

        public async Task<string?> ActiveCertificateOfAsync(string thing)
        {
            await using var scope = Vigil.App.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
            return await db.Certificates.Where(c => c.ThingName == thing && c.Status == CertificateStatus.Active).Select(c => c.Id).SingleOrDefaultAsync(Ct);
        }

        public ValueTask DisposeAsync() => Vigil.DisposeAsync();
    }

    [Fact]
    public async Task Provision_uses_a_csr_keeps_the_key_private_and_connects_with_the_new_certificate()
    {
        await using var rig = await Rig.StartAsync("CAM-0001");

        var run = await rig.ProvisionAsync("CAM-0001");

        Assert.True(run.ExitCode == 0, run.StandardError + run.StandardOutput);
        Assert.Contains("Connected to localhost", run.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Provisioned: thing CAM-0001", run.StandardOutput, StringComparison.Ordinal);
        var key = System.IO.Path.Combine(rig.Bundle, "device.private.key");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(key));
        using var certificate = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(System.IO.Path.Combine(rig.Bundle, "device.cert.pem"), key);
        Assert.Equal(Fingerprint.Of(certificate), await rig.ActiveCertificateOfAsync("CAM-0001"));

        var status = await AgentExecutable.RunAsync(["status", "--config", rig.Config, "--json"], cancellationToken: Ct);
        Assert.Equal(0, status.ExitCode);
        using var json = JsonDocument.Parse(status.StandardOutput);
        Assert.Equal("provisioned", json.RootElement.GetProperty("stage").GetString());

        // Running it again changes nothing and just connects.
        var again = await rig.ProvisionAsync("CAM-0001");
        Assert.True(again.ExitCode == 0, again.StandardError);
        Assert.Contains("Already provisioned as CAM-0001", again.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(Fingerprint.Of(certificate), await rig.ActiveCertificateOfAsync("CAM-0001"));
    }

    [Fact]
    public async Task Provision_makes_each_state_file_durable_with_an_fsync_of_its_directory()
    {
        await using var rig = await Rig.StartAsync("CAM-SYNC-1");
        using var traces = new TempDirectory("strace");

        // Under strace: the agent's directory sync used to open the directory as a file, which
        // .NET refuses, and the swallowed exception meant no fsync ever reached the kernel.
        var (run, trace) = await SyscallTrace.RunAsync(
            AgentExecutable.Path, ["provision", "--config", rig.Config, "--serial", "CAM-SYNC-1"], null, traces.Path, Ct);

        Assert.True(run.ExitCode == 0, run.StandardError + run.StandardOutput);
        foreach (var file in new[] { "device.private.key", "device.cert.pem", "thing.json" })
        {
            Assert.True(trace.RenamedThenSyncedDirectory(System.IO.Path.Combine(rig.Bundle, file)), $"{file}: no rename followed by an fsync of {rig.Bundle}");
        }
    }

    [Fact]
    public async Task Provision_goes_through_the_front_door_the_bundle_names_offering_its_alpn()
    {
        var port = VigilExecutable.FreePort();
        await using var rig = await Rig.StartAsync(port, "CAM-DOOR-1", "CAM-DOOR-2");
        var json = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(rig.Config, Ct))!;
        Assert.Equal((port, "x-amzn-mqtt-ca"), ((int)json["mqtt"]!["port"]!, (string?)json["mqtt"]!["alpn"]));

        var run = await rig.ProvisionAsync("CAM-DOOR-1");

        Assert.True(run.ExitCode == 0, run.StandardError + run.StandardOutput);
        Assert.Contains("Provisioned: thing CAM-DOOR-1", run.StandardOutput, StringComparison.Ordinal);
        Assert.NotNull(await rig.ActiveCertificateOfAsync("CAM-DOOR-1"));

        // The control: without the ALPN protocol the front door takes the agent for a web client.
        json["mqtt"]!.AsObject().Remove("alpn");
        await File.WriteAllTextAsync(rig.Config, json.ToJsonString(), Ct);
        using var state = new TempDirectory("state");
        var withoutAlpn = await rig.ProvisionAsync("CAM-DOOR-2", null, "--state", state.Path);
        Assert.True(withoutAlpn.ExitCode == 1, withoutAlpn.StandardError + withoutAlpn.StandardOutput);
        Assert.Contains($"cannot connect to MQTT at localhost:{port}", withoutAlpn.StandardError + withoutAlpn.StandardOutput, StringComparison.Ordinal);
        Assert.Null(await rig.ActiveCertificateOfAsync("CAM-DOOR-2"));
    }

    [Fact]
    public async Task Provision_with_create_keys_stores_the_servers_key_and_works()
    {
        await using var rig = await Rig.StartAsync("CAM-0002");
        var state = System.IO.Path.Combine(rig.Bundle, "state");

        var run = await AgentExecutable.RunAsync(["provision", "--config", rig.Config, "--state", state, "--serial", "CAM-0002", "--create-keys"], cancellationToken: Ct);

        Assert.True(run.ExitCode == 0, run.StandardError + run.StandardOutput);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(System.IO.Path.Combine(state, "device.private.key")));
        Assert.NotNull(await rig.ActiveCertificateOfAsync("CAM-0002"));
    }

    [Theory]
    [InlineData("after-key")]
    [InlineData("after-certificate")]
    [InlineData("after-register")]
    public async Task An_interruption_after_any_step_resumes_correctly(string fault)
    {
        await using var rig = await Rig.StartAsync("CAM-0003");

        var interrupted = await rig.ProvisionAsync("CAM-0003", fault);
        Assert.True(interrupted.ExitCode == 75, interrupted.StandardError + interrupted.StandardOutput);
        var keyBefore = await File.ReadAllTextAsync(System.IO.Path.Combine(rig.Bundle, "device.private.key"), Ct);

        var resumed = await rig.ProvisionAsync("CAM-0003");

        Assert.True(resumed.ExitCode == 0, resumed.StandardError + resumed.StandardOutput);
        Assert.Equal(keyBefore, await File.ReadAllTextAsync(System.IO.Path.Combine(rig.Bundle, "device.private.key"), Ct));
        using var certificate = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(System.IO.Path.Combine(rig.Bundle, "device.cert.pem"), System.IO.Path.Combine(rig.Bundle, "device.private.key"));
        Assert.Equal(Fingerprint.Of(certificate), await rig.ActiveCertificateOfAsync("CAM-0003"));
        Assert.False(File.Exists(System.IO.Path.Combine(rig.Bundle, "pending-registration.json")));
    }

    [Fact]
    public async Task A_serial_the_factory_did_not_make_is_refused_with_exit_code_3()
    {
        await using var rig = await Rig.StartAsync("CAM-0004");

        var run = await rig.ProvisionAsync("CAM-FAKE");

        Assert.Equal(3, run.ExitCode);
        Assert.Contains("not in the manufacturing registry", run.StandardError, StringComparison.Ordinal);
        var status = await AgentExecutable.RunAsync(["status", "--config", rig.Config], cancellationToken: Ct);
        Assert.Equal(1, status.ExitCode);
    }

    [Fact]
    public async Task A_missing_or_broken_agent_json_is_one_clear_line()
    {
        using var directory = new TempDirectory("agent");
        var missing = await AgentExecutable.RunAsync(["provision", "--config", directory.File("agent.json"), "--serial", "X"], cancellationToken: Ct);
        Assert.Equal(1, missing.ExitCode);
        Assert.StartsWith("vigil-agent: ", missing.StandardError, StringComparison.Ordinal);
        Assert.Contains("does not exist", missing.StandardError, StringComparison.Ordinal);

        await File.WriteAllTextAsync(directory.File("agent.json"), "{ not json", Ct);
        var broken = await AgentExecutable.RunAsync(["provision", "--config", directory.File("agent.json"), "--serial", "X"], cancellationToken: Ct);
        Assert.Equal(1, broken.ExitCode);
        Assert.Contains("not a valid agent.json", broken.StandardError, StringComparison.Ordinal);
    }
}
