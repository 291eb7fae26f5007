using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using MQTTnet;
using Vigil.Server.Hosting;
using Vigil.Server.Tests.Support;

namespace Vigil.Server.Tests.Features.Provisioning;

/// <summary>
/// ALPN on the MQTT listeners (8883 and the optional second port): the AWS IoT device SDKs offer
/// <c>x-amzn-mqtt-ca</c> on every port, others <c>mqtt</c> or nothing, and all of them are served; a client
/// offering only unrelated protocols gets TLS's no_application_protocol alert, and the log says why.
/// Clients: MQTTnet (a real MQTT client) and OpenSSL's s_client (shows the negotiated protocol and the alert).
/// </summary>
public sealed class MqttAlpnTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(RunningVigil Vigil, X509Certificate2 Claim, LogCapture Log)> StartAsync()
    {
        var log = new LogCapture();
        var vigil = await RunningVigil.StartAsync(
            settings: new Dictionary<string, string?> { ["Provisioning:MqttAlpnPort"] = "0" },
            services: log.Register,
            cancellationToken: Ct);
        return (vigil, await DeviceClients.NewClaimAsync(vigil, cancellationToken: Ct), log);
    }

    private static int Port(RunningVigil vigil, string which)
    {
        var endpoints = vigil.App.Services.GetRequiredService<DevicePlaneEndpoints>();
        return which == "8883" ? endpoints.MqttPort : endpoints.MqttAlpnPort;
    }

    [Theory]
    [InlineData("8883")]
    [InlineData("second port")]
    public async Task Clients_offering_x_amzn_mqtt_ca_mqtt_both_with_h2_or_no_alpn_connect(string which)
    {
        var (vigil, claim, _) = await StartAsync();
        await using var _ = vigil;
        using var __ = claim;
        var port = Port(vigil, which);
        string[][] offers = [["x-amzn-mqtt-ca"], ["mqtt"], [], ["h2", "x-amzn-mqtt-ca", "http/1.1"]];

        foreach (var offer in offers)
        {
            var options = DeviceClients.Options(vigil, claim, "alpn-" + offer.Length, port: port);
            ((MqttClientTcpOptions)options.ChannelOptions).TlsOptions.ApplicationProtocols =
                offer.Length == 0 ? null : [.. offer.Select(p => new SslApplicationProtocol(p))];
            using var client = new MqttClientFactory().CreateMqttClient();
            var result = await client.ConnectAsync(options, Ct);
            Assert.True(result.ResultCode == MqttClientConnectResultCode.Success, $"offering [{string.Join(", ", offer)}]: {result.ResultCode}");
            await client.DisconnectAsync(cancellationToken: Ct);
        }

        // OpenSSL says what the server chose.
        var negotiated = await SClientAsync(vigil, claim, port, "x-amzn-mqtt-ca");
        Assert.True(negotiated.ExitCode == 0, negotiated.StandardError);
        Assert.Contains("ALPN protocol: x-amzn-mqtt-ca", negotiated.StandardOutput, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("8883", "MQTT")]
    [InlineData("second port", "MQTT (second port)")]
    public async Task A_client_offering_only_h2_is_refused_with_no_application_protocol_and_the_reason_is_logged(string which, string endpoint)
    {
        var (vigil, claim, log) = await StartAsync();
        await using var _ = vigil;
        using var __ = claim;
        var port = Port(vigil, which);

        var refused = await SClientAsync(vigil, claim, port, "h2");

        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("no application protocol", refused.StandardError, StringComparison.Ordinal);
        var line = await log.WaitForAsync(l => l.Message.Contains("offered ALPN h2", StringComparison.Ordinal), Ct);
        Assert.Equal(LogLevel.Warning, line.Level);
        Assert.StartsWith($"{endpoint}: TLS connection from 127.0.0.1:", line.Message, StringComparison.Ordinal);
        Assert.EndsWith("refused: the client offered ALPN h2; this port speaks x-amzn-mqtt-ca, mqtt (or no ALPN)", line.Message, StringComparison.Ordinal);
    }

    private static async Task<ProcessResult> SClientAsync(RunningVigil vigil, X509Certificate2 certificate, int port, string alpn)
    {
        using var files = new TempDirectory("alpn");
        await File.WriteAllTextAsync(files.File("root.pem"), vigil.RootCertificate.ExportCertificatePem(), Ct);
        await File.WriteAllTextAsync(files.File("client.pem"), certificate.ExportCertificatePem(), Ct);
        await File.WriteAllTextAsync(files.File("client.key"), certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem(), Ct);
        // Standard input closed at once: s_client ends after the handshake.
        return await ProcessRunner.RunAsync(
            Requirements.Executable("openssl"),
            ["s_client", "-connect", $"127.0.0.1:{port}", "-servername", "localhost", "-alpn", alpn,
             "-CAfile", files.File("root.pem"), "-verify_return_error", "-cert", files.File("client.pem"), "-key", files.File("client.key")],
            standardInput: "",
            timeout: TimeSpan.FromSeconds(30),
            cancellationToken: Ct);
    }
}
