using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using MQTTnet;
using Vigil.TestSupport;

namespace Vigil.Agent.Tests;

/// <summary>
/// The end-to-end path with real processes only: <c>vigil claim create</c>, <c>vigil serve</c>,
/// <c>vigil-agent provision</c>, the camera online, credentials that sign for its own channel and
/// not another camera's, then <c>vigil things revoke</c> from another process dropping it.
/// </summary>
public sealed class DevicePlaneEndToEndTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_factory_camera_provisions_itself_comes_online_gets_scoped_credentials_and_is_dropped_when_revoked()
    {
        using var data = new TempDirectory("e2e");
        var settings = ServerProcess.SettingsFor(new Dictionary<string, string?> { ["VIGIL__Provisioning__CertificateRecheckInterval"] = "00:00:00.5" });
        var registry = Path.Combine(data.Path, "registry.csv");
        await File.WriteAllTextAsync(registry, "serial,secret,model\nCAM-E2E-1,secret-one-1,Cam\nCAM-E2E-2,secret-two-2,Cam\n", Ct);
        var store = Path.Combine(data.Path, "vigil");
        var bundle = Path.Combine(data.Path, "bundle");
        Assert.Equal(0, (await VigilExecutable.RunAsync(store, ["registry", "import", registry], settings, cancellationToken: Ct)).ExitCode);
        var claim = await VigilExecutable.RunAsync(store, ["claim", "create", "--out", bundle], settings, cancellationToken: Ct);
        Assert.True(claim.ExitCode == 0, claim.StandardError);

        using var server = await ServerProcess.StartAsync(store, settings, Ct);

        var provision = await AgentExecutable.RunAsync(["provision", "--config", Path.Combine(bundle, "agent.json"), "--serial", "CAM-E2E-1"], cancellationToken: Ct);
        Assert.True(provision.ExitCode == 0, provision.StandardError + provision.StandardOutput);

        // The camera connects with its own certificate (client id = thing name) and shows online.
        using var root = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(Path.Combine(bundle, "root-ca.pem"), Ct));
        using var device = X509Certificate2.CreateFromPemFile(Path.Combine(bundle, "device.cert.pem"), Path.Combine(bundle, "device.private.key"));
        using var mqtt = new MqttClientFactory().CreateMqttClient();
        var dropped = new TaskCompletionSource<MqttClientDisconnectedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        mqtt.DisconnectedAsync += e =>
        {
            dropped.TrySetResult(e);
            return Task.CompletedTask;
        };
        var connect = await mqtt.ConnectAsync(
            new MqttClientOptionsBuilder().WithTcpServer("localhost", server.MqttPort).WithClientId("CAM-E2E-1")
                .WithTlsOptions(t => t.UseTls().WithTargetHost("localhost").WithTrustChain([root]).WithRevocationMode(X509RevocationMode.NoCheck).WithClientCertificates([device]))
                .Build(),
            Ct);
        Assert.Equal(MqttClientConnectResultCode.Success, connect.ResultCode);
        await server.WaitUntilOnlineAsync("CAM-E2E-1", online: true, Ct);

        // The credentials provider exchanges the device certificate for temporary credentials.
        using var handler = VigilTrust.Handler(root, device);
        using var http = new HttpClient(handler) { BaseAddress = new Uri($"https://localhost:{server.CredentialsPort}") };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/role-aliases/VigilCameraRoleAlias/credentials");
        request.Headers.Add("x-amzn-iot-thingname", "CAM-E2E-1");
        using var response = await http.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        var credentials = body.RootElement.GetProperty("credentials");
        var sigv4 = new SigV4.SigV4Credentials(credentials.GetProperty("accessKeyId").GetString()!, credentials.GetProperty("secretAccessKey").GetString()!, credentials.GetProperty("sessionToken").GetString());

        // Signed with them, DescribeSignalingChannel through the server's control plane: the channel
        // provisioning created for the camera yes, another camera's no.
        var https = new Uri($"https://localhost:{server.HttpsPort}");
        var own = await SignedKvsRequests.DescribeSignalingChannelAsync(root, https, sigv4, "CAM-E2E-1", Ct);
        Assert.True(own.Status == HttpStatusCode.OK, own.Body);
        Assert.Contains(":channel/CAM-E2E-1/", own.Body, StringComparison.Ordinal);
        var other = await SignedKvsRequests.DescribeSignalingChannelAsync(root, https, sigv4, "CAM-E2E-2", Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, other.Status);

        // Revoked from another process: the live connection is dropped at once.
        var revoke = await server.RunAsync(["things", "revoke", "CAM-E2E-1"], Ct);
        Assert.True(revoke.ExitCode == 0, revoke.StandardError);
        var disconnect = await dropped.Task.WaitAsync(TimeSpan.FromSeconds(15), Ct);
        Assert.Equal(MqttClientDisconnectReason.NotAuthorized, disconnect.Reason);
        await server.WaitUntilOnlineAsync("CAM-E2E-1", online: false, Ct);
        Assert.Equal("Revoked", (await server.ThingAsync("CAM-E2E-1", Ct)).GetProperty("certificateStatus").GetString());
    }
}
