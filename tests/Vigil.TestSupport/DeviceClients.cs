using System.Buffers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using Vigil.Contracts.FleetProvisioning;
using Vigil.Server.Features.Devices;
using Vigil.Server.Features.Provisioning;
using Vigil.Server.Hosting;

namespace Vigil.TestSupport;

/// <summary>
/// Simulated cameras for device-plane tests: claim bundles, registry rows and MQTTnet clients
/// (a real MQTT client we did not write) over mutual TLS to the running broker.
/// </summary>
internal static class DeviceClients
{
    public static readonly TimeSpan ResponseTimeout = TimeSpan.FromSeconds(20);

    public static int MqttPort(this RunningVigil vigil) => vigil.App.Services.GetRequiredService<DevicePlaneEndpoints>().MqttPort;

    /// <summary>A claim certificate with its key, issued the way <c>vigil claim create</c> issues it.</summary>
    public static async Task<X509Certificate2> NewClaimAsync(RunningVigil vigil, string? template = null, CancellationToken cancellationToken = default)
    {
        var directory = Path.Combine(vigil.DataPath, "claims", Guid.NewGuid().ToString("N"));
        await using var scope = vigil.App.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<ClaimBundleWriter>().WriteAsync(directory, template, overwrite: false, cancellationToken);
        return X509Certificate2.CreateFromPemFile(Path.Combine(directory, "claim.cert.pem"), Path.Combine(directory, "claim.private.key"));
    }

    public static async Task ImportAsync(RunningVigil vigil, params string[] serials)
    {
        await using var scope = vigil.App.Services.CreateAsyncScope();
        var rows = serials.Select((s, i) => new RegistryRow(i + 2, s, "secret-" + s, "Test camera")).ToList();
        await scope.ServiceProvider.GetRequiredService<RegistryImporter>().ImportAsync(rows, "test.csv", dryRun: false, CancellationToken.None);
    }

    public static MqttClientOptions Options(RunningVigil vigil, X509Certificate2? certificate, string clientId, MqttProtocolVersion version = MqttProtocolVersion.V500, int? port = null) =>
        Options(vigil.RootCertificate, port ?? vigil.MqttPort(), certificate, clientId, version);

    /// <summary>Options for a broker reached at 127.0.0.1:<paramref name="port"/> (a <c>vigil serve</c> process, a load balancer).</summary>
    public static MqttClientOptions Options(X509Certificate2 root, int port, X509Certificate2? certificate, string clientId, MqttProtocolVersion version = MqttProtocolVersion.V500) =>
        new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", port)
            .WithClientId(clientId)
            .WithProtocolVersion(version)
            .WithTimeout(TimeSpan.FromSeconds(15))
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(30))
            .WithTlsOptions(tls =>
            {
                tls.UseTls()
                    .WithTargetHost("localhost")
                    .WithTrustChain([root])
                    .WithRevocationMode(X509RevocationMode.NoCheck);
                if (certificate is not null)
                {
                    tls.WithClientCertificates([certificate]);
                }
            })
            .Build();

    public static Task<IMqttClient> ConnectAsync(RunningVigil vigil, X509Certificate2? certificate, string clientId, MqttProtocolVersion version = MqttProtocolVersion.V500, CancellationToken cancellationToken = default) =>
        ConnectAsync(Options(vigil, certificate, clientId, version), cancellationToken);

    public static async Task<IMqttClient> ConnectAsync(MqttClientOptions options, CancellationToken cancellationToken)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        try
        {
            var result = await client.ConnectAsync(options, cancellationToken);
            return result.ResultCode == MqttClientConnectResultCode.Success
                ? client
                : throw new MqttConnectRefusedException(result.ResultCode);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>Subscribes to a request's accepted and rejected topics, publishes it and returns the answer.</summary>
    public static async Task<(bool Accepted, string Payload)> RequestAsync(IMqttClient client, string requestTopic, string payload, CancellationToken cancellationToken)
    {
        var answer = new TaskCompletionSource<(bool, string)>(TaskCreationOptions.RunContinuationsAsynchronously);
        Task Handler(MqttApplicationMessageReceivedEventArgs e)
        {
            if (e.ApplicationMessage.Topic == requestTopic + "/accepted" || e.ApplicationMessage.Topic == requestTopic + "/rejected")
            {
                answer.TrySetResult((e.ApplicationMessage.Topic.EndsWith("/accepted", StringComparison.Ordinal), Encoding.UTF8.GetString(e.ApplicationMessage.Payload.ToArray())));
            }

            return Task.CompletedTask;
        }

        client.ApplicationMessageReceivedAsync += Handler;
        try
        {
            var subscribed = await client.SubscribeAsync(
                new MqttClientSubscribeOptionsBuilder().WithTopicFilter(requestTopic + "/accepted", MqttQualityOfServiceLevel.AtLeastOnce).WithTopicFilter(requestTopic + "/rejected", MqttQualityOfServiceLevel.AtLeastOnce).Build(),
                cancellationToken);
            Assert.All(subscribed.Items, i => Assert.True((int)i.ResultCode <= 2, $"subscription to {i.TopicFilter.Topic} refused: {i.ResultCode}"));
            await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(requestTopic).WithPayload(payload).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(), cancellationToken);
            return await answer.Task.WaitAsync(ResponseTimeout, cancellationToken);
        }
        finally
        {
            client.ApplicationMessageReceivedAsync -= Handler;
        }
    }

    public static string CsrPem(ECDsa key) =>
        new CertificateRequest("CN=ignored", key, HashAlgorithmName.SHA256).CreateSigningRequestPem();

    /// <summary>The whole claim flow (CSR path): returns the device certificate with its key.</summary>
    public static Task<X509Certificate2> ProvisionAsync(RunningVigil vigil, X509Certificate2 claim, string serial, string template = "VigilCameraTemplate", CancellationToken cancellationToken = default) =>
        ProvisionAsync(vigil.RootCertificate, vigil.MqttPort(), claim, serial, template, cancellationToken);

    /// <summary>The claim flow against the broker at 127.0.0.1:<paramref name="port"/>.</summary>
    public static async Task<X509Certificate2> ProvisionAsync(X509Certificate2 root, int port, X509Certificate2 claim, string serial, string template = "VigilCameraTemplate", CancellationToken cancellationToken = default)
    {
        using var client = await ConnectAsync(Options(root, port, claim, "claim-" + serial), cancellationToken);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var (accepted, body) = await RequestAsync(client, FleetProvisioningTopics.CreateFromCsr, JsonSerializer.Serialize(new { certificateSigningRequest = CsrPem(key) }), cancellationToken);
        Assert.True(accepted, body);
        var created = JsonSerializer.Deserialize(body, FleetProvisioningJsonContext.Default.CreateCertificateFromCsrResponse)!;
        var (registered, answer) = await RequestAsync(
            client,
            FleetProvisioningTopics.Provision(template),
            JsonSerializer.Serialize(new { certificateOwnershipToken = created.CertificateOwnershipToken, parameters = new { SerialNumber = serial } }),
            cancellationToken);
        Assert.True(registered, answer);
        await client.DisconnectAsync(cancellationToken: cancellationToken);
        using var certificate = X509Certificate2.CreateFromPem(created.CertificatePem);
        return certificate.CopyWithPrivateKey(key);
    }
}

/// <summary>The broker answered CONNECT with a refusal.</summary>
internal sealed class MqttConnectRefusedException(MqttClientConnectResultCode code) : Exception($"CONNACK refused: {code}")
{
    public MqttClientConnectResultCode Code { get; } = code;
}
