using System.Security.Cryptography;
using Vigil.Server.Features.Devices;
using Vigil.Server.Features.Pki;
using Vigil.Server.Features.Provisioning;
using Vigil.Server.Tests.Support;

namespace Vigil.Server.Tests.Features.Provisioning;

/// <summary>
/// The AWS IoT Device SDK v2 for JavaScript (npm <c>aws-iot-device-sdk-v2</c> on <c>aws-crt</c>, pinned in
/// tests/compat/package-lock.json), unmodified: its default mutual-TLS builders offer ALPN
/// <c>x-amzn-mqtt-ca</c>, as most device firmware built on aws-crt does (C++, Python, Java, JavaScript).
/// Fleet provisioning by claim (CreateKeysAndCertificate, CreateCertificateFromCsr, RegisterThing, an unknown
/// serial refused), then both device certificates connect (tests/compat/device-sdk.mjs): on the MQTT port
/// and through the front door, which tells MQTT from HTTPS by that ALPN protocol.
/// </summary>
public sealed class DeviceSdkCompatibilityTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_device_sdk_provisions_by_claim_and_connects_as_the_device_on_the_mqtt_port()
    {
        await using var vigil = await RunningVigil.StartAsync(cancellationToken: Ct);

        await ProvisionAndConnectAsync(vigil, "localhost", vigil.MqttPort());
    }

    [Fact]
    public async Task The_device_sdk_provisions_by_claim_and_connects_as_the_device_through_the_front_door()
    {
        await using var vigil = await RunningVigil.StartAsync(settings: new Dictionary<string, string?> { ["Server:FrontDoorPort"] = "0" }, cancellationToken: Ct);

        await ProvisionAndConnectAsync(vigil, "localhost", vigil.FrontDoorPort!.Value);
    }

    /// <summary>Runs the SDK's whole flow against <paramref name="host"/>:<paramref name="port"/> and checks what the server recorded.</summary>
    internal static async Task ProvisionAndConnectAsync(RunningVigil vigil, string host, int port)
    {
        await DeviceClients.ImportAsync(vigil, "SDK-KEYS-1", "SDK-CSR-1");
        using var files = new TempDirectory("device-sdk");
        await using (var scope = vigil.App.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<ClaimBundleWriter>().WriteAsync(files.Path, null, false, Ct);
        }

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var configuration = new
        {
            host,
            port,
            caFile = files.File("root-ca.pem"),
            claimCert = await File.ReadAllTextAsync(files.File("claim.cert.pem"), Ct),
            claimKey = await File.ReadAllTextAsync(files.File("claim.private.key"), Ct),
            template = "VigilCameraTemplate",
            keysSerial = "SDK-KEYS-1",
            csrSerial = "SDK-CSR-1",
            unknownSerial = "SDK-NEVER-MADE",
            csr = DeviceClients.CsrPem(key),
            csrKey = key.ExportPkcs8PrivateKeyPem(),
        };

        var result = await CompatClients.RunAsync("device-sdk.mjs", configuration, files.File("root-ca.pem"), Ct, requiredPackage: "aws-iot-device-sdk-v2");

        Assert.Equal(
            ["claim-alpn", "create-keys-and-certificate", "register-thing-keys", "create-certificate-from-csr", "register-thing-csr",
             "unknown-serial-refused", "device-alpn", "device-subscribe", "device-publish-receive", "device311-alpn", "device311-connect"],
            result.EnumerateObject().Select(p => p.Name));
        Assert.All(result.EnumerateObject(), p => Assert.True(p.Value.GetString() == "ok", $"{p.Name}: {p.Value}"));
        await using var check = vigil.App.Services.CreateAsyncScope();
        var things = await check.ServiceProvider.GetRequiredService<ThingRegistry>().ListAsync(Ct);
        Assert.Equal(
            [("SDK-CSR-1", CertificateStatus.Active), ("SDK-KEYS-1", CertificateStatus.Active)],
            things.Select(t => (t.Thing.Name, t.CertificateStatus ?? CertificateStatus.Inactive)));
    }
}
