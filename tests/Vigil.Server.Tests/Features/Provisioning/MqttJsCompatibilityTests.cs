using System.Security.Cryptography;
using System.Text.Json;
using Vigil.Server.Features.Devices;
using Vigil.Server.Tests.Support;

namespace Vigil.Server.Tests.Features.Provisioning;

/// <summary>
/// mqtt.js from npm, a client we did not write, runs the claim flow by hand over mutual TLS
/// (tests/compat/claim-flow.mjs), including the rejected paths.
/// </summary>
public sealed class MqttJsCompatibilityTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Mqtt_js_provisions_by_csr_connects_as_the_device_and_gets_the_documented_rejections()
    {
        var compat = CompatClients.Directory("mqtt");
        await using var vigil = await RunningVigil.StartAsync(cancellationToken: Ct);
        await DeviceClients.ImportAsync(vigil, "CAM-JS-1", "CAM-JS-REVOKED");
        await using (var scope = vigil.App.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<ManufacturingRegistry>().RevokeAsync("CAM-JS-REVOKED", Ct);
        }

        var bundle = Path.Combine(vigil.DataPath, "bundle");
        await using (var scope = vigil.App.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<Server.Features.Provisioning.ClaimBundleWriter>().WriteAsync(bundle, null, false, Ct);
        }

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await File.WriteAllTextAsync(Path.Combine(bundle, "device.csr"), DeviceClients.CsrPem(key), Ct);
        await File.WriteAllTextAsync(Path.Combine(bundle, "device.key"), key.ExportPkcs8PrivateKeyPem(), Ct);

        var run = await ProcessRunner.RunAsync(
            Requirements.Executable("node"),
            [Path.Combine(compat, "claim-flow.mjs")],
            new Dictionary<string, string?>
            {
                ["VIGIL_MQTT_PORT"] = vigil.MqttPort().ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["VIGIL_CA"] = Path.Combine(bundle, "root-ca.pem"),
                ["VIGIL_CLAIM_CERT"] = Path.Combine(bundle, "claim.cert.pem"),
                ["VIGIL_CLAIM_KEY"] = Path.Combine(bundle, "claim.private.key"),
                ["VIGIL_TEMPLATE"] = "VigilCameraTemplate",
                ["VIGIL_CSR"] = Path.Combine(bundle, "device.csr"),
                ["VIGIL_DEVICE_KEY"] = Path.Combine(bundle, "device.key"),
                ["VIGIL_SERIAL"] = "CAM-JS-1",
                ["VIGIL_UNKNOWN_SERIAL"] = "CAM-JS-NEVER-MADE",
                ["VIGIL_REVOKED_SERIAL"] = "CAM-JS-REVOKED",
            },
            timeout: TimeSpan.FromMinutes(2),
            cancellationToken: Ct);
        Assert.True(run.ExitCode == 0, run.StandardError + run.StandardOutput);
        using var json = JsonDocument.Parse(run.StandardOutput);
        var r = json.RootElement;

        Assert.True(r.GetProperty("csr").GetProperty("accepted").GetBoolean());
        Assert.True(r.GetProperty("csr").GetProperty("hasToken").GetBoolean());
        Assert.Equal(64, r.GetProperty("csr").GetProperty("certificateId").GetString()!.Length);
        Assert.Equal([1, 1], r.GetProperty("csr").GetProperty("granted").EnumerateArray().Select(g => g.GetInt32()));

        var register = r.GetProperty("register");
        Assert.True(register.GetProperty("accepted").GetBoolean(), register.ToString());
        Assert.Equal("CAM-JS-1", register.GetProperty("body").GetProperty("thingName").GetString());
        Assert.Equal(JsonValueKind.Object, register.GetProperty("body").GetProperty("deviceConfiguration").ValueKind);

        AssertRejected(r.GetProperty("unknownSerial"), 403, "AccessDenied");
        AssertRejected(r.GetProperty("revokedSerial"), 403, "AccessDenied");
        AssertRejected(r.GetProperty("badToken"), 400, "InvalidCertificateOwnershipToken");
        AssertRejected(r.GetProperty("reusedToken"), 400, "InvalidCertificateOwnershipToken");

        Assert.True(r.GetProperty("claimPublishToDeviceTopic").GetProperty("refused").GetBoolean());
        Assert.Equal(0x87, r.GetProperty("claimPublishToDeviceTopic").GetProperty("reasonCode").GetInt32());

        Assert.True(r.GetProperty("device").GetProperty("connected").GetBoolean());
        Assert.Equal("things/CAM-JS-1/hello", r.GetProperty("device").GetProperty("echo").GetProperty("topic").GetString());
    }

    private static void AssertRejected(JsonElement result, int status, string code)
    {
        Assert.False(result.GetProperty("accepted").GetBoolean(), result.ToString());
        var body = result.GetProperty("body");
        Assert.Equal(JsonValueKind.Number, body.GetProperty("statusCode").ValueKind);
        Assert.Equal(status, body.GetProperty("statusCode").GetInt32());
        Assert.Equal(code, body.GetProperty("errorCode").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("errorMessage").GetString()));
    }
}
