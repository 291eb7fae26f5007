using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using MQTTnet;
using MQTTnet.Protocol;
using Vigil.Contracts.FleetProvisioning;

namespace Vigil.Devices.Bench;

/// <summary>One simulated camera: its key and CSR made up front (on a real camera they exist before it boots), then the claim flow.</summary>
internal sealed class SimulatedCamera(string serial)
{
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private string? _csr;

    public string Serial { get; } = serial;

    /// <summary>The device certificate RegisterThing activated (a camera would store it with its key).</summary>
    public string? CertificatePem { get; private set; }

    /// <summary>The device certificate with its key, for connecting as the thing once provisioned.</summary>
    public X509Certificate2 DeviceCertificate()
    {
        using var certificate = X509Certificate2.CreateFromPem(CertificatePem ?? throw new InvalidOperationException($"{Serial} is not provisioned"));
        return certificate.CopyWithPrivateKey(_key);
    }

    public void Prepare() => _csr = new CertificateRequest("CN=" + Serial, _key, HashAlgorithmName.SHA256).CreateSigningRequestPem();

    /// <summary>TLS connect with the claim certificate, CreateCertificateFromCsr, RegisterThing, disconnect.</summary>
    public async Task ProvisionAsync(string host, int port, X509Certificate2 root, X509Certificate2 claim, string template, CancellationToken cancellationToken)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        await ConnectAsync(client, host, port, root, claim, "claim-" + Serial, cancellationToken);
        var answers = new Dictionary<string, TaskCompletionSource<(bool, string)>>(StringComparer.Ordinal);
        var csrTopic = "$aws/certificates/create-from-csr/json";
        var provisionTopic = $"$aws/provisioning-templates/{template}/provision/json";
        foreach (var topic in new[] { csrTopic, provisionTopic })
        {
            answers[topic] = new TaskCompletionSource<(bool, string)>(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        client.ApplicationMessageReceivedAsync += e =>
        {
            var topic = e.ApplicationMessage.Topic;
            var request = topic[..topic.LastIndexOf('/')];
            if (answers.TryGetValue(request, out var answer))
            {
                answer.TrySetResult((topic.EndsWith("/accepted", StringComparison.Ordinal), Encoding.UTF8.GetString(System.Buffers.BuffersExtensions.ToArray(e.ApplicationMessage.Payload))));
            }

            return Task.CompletedTask;
        };
        var subscribe = new MqttClientSubscribeOptionsBuilder();
        foreach (var topic in answers.Keys)
        {
            subscribe.WithTopicFilter(topic + "/accepted", MqttQualityOfServiceLevel.AtLeastOnce).WithTopicFilter(topic + "/rejected", MqttQualityOfServiceLevel.AtLeastOnce);
        }

        await client.SubscribeAsync(subscribe.Build(), cancellationToken);
        await PublishAsync(client, csrTopic, JsonSerializer.Serialize(new CreateCertificateFromCsrRequest { CertificateSigningRequest = _csr }, FleetProvisioningJsonContext.Default.CreateCertificateFromCsrRequest), cancellationToken);
        var (created, createdBody) = await answers[csrTopic].Task.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
        if (!created)
        {
            throw new InvalidOperationException($"{Serial}: CreateCertificateFromCsr rejected: {createdBody}");
        }

        var certificate = JsonSerializer.Deserialize(createdBody, FleetProvisioningJsonContext.Default.CreateCertificateFromCsrResponse)!;
        var register = new RegisterThingRequest { CertificateOwnershipToken = certificate.CertificateOwnershipToken, Parameters = new() { ["SerialNumber"] = Serial } };
        await PublishAsync(client, provisionTopic, JsonSerializer.Serialize(register, FleetProvisioningJsonContext.Default.RegisterThingRequest), cancellationToken);
        var (registered, registeredBody) = await answers[provisionTopic].Task.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
        if (!registered)
        {
            throw new InvalidOperationException($"{Serial}: RegisterThing rejected: {registeredBody}");
        }

        CertificatePem = certificate.CertificatePem;
        await client.DisconnectAsync(cancellationToken: cancellationToken);
    }

    /// <summary>A connection that stays open (the "connections held" measurement).</summary>
    public static async Task<IMqttClient> ConnectHoldingAsync(string host, int port, X509Certificate2 root, X509Certificate2 certificate, string clientId, CancellationToken cancellationToken)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        await ConnectAsync(client, host, port, root, certificate, clientId, cancellationToken);
        return client;
    }

    private static async Task ConnectAsync(IMqttClient client, string host, int port, X509Certificate2 root, X509Certificate2 certificate, string clientId, CancellationToken cancellationToken)
    {
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer(host, port)
            .WithClientId(clientId)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .WithKeepAlivePeriod(TimeSpan.FromMinutes(5))
            .WithTimeout(TimeSpan.FromSeconds(60))
            .WithTlsOptions(t => t.UseTls().WithTargetHost("localhost").WithTrustChain([root]).WithRevocationMode(X509RevocationMode.NoCheck).WithClientCertificates([certificate]))
            .Build();
        var result = await client.ConnectAsync(options, cancellationToken);
        if (result.ResultCode != MqttClientConnectResultCode.Success)
        {
            throw new InvalidOperationException($"{clientId}: CONNACK {result.ResultCode}");
        }
    }

    private static Task<MqttClientPublishResult> PublishAsync(IMqttClient client, string topic, string payload, CancellationToken cancellationToken) =>
        client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(), cancellationToken);
}
