using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using MQTTnet;
using Vigil.Contracts.FleetProvisioning;
using Vigil.Server.Features.Pki;
using Vigil.Server.Features.Provisioning;
using Vigil.Server.Storage;
using Vigil.TestSupport;

namespace Vigil.Server.Tests.Features.Provisioning;

/// <summary>The AWS IoT fleet-provisioning flow over real MQTT with mutual TLS (MQTTnet's client against Vigil's broker).</summary>
public sealed class FleetProvisioningTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory, MemberData(nameof(StorageProviders.All), MemberType = typeof(StorageProviders))]
    public async Task A_camera_with_a_claim_certificate_gets_its_own_certificate_by_csr_and_connects_with_it(string provider)
    {
        await using var vigil = await RunningVigil.StartAsync(provider, cancellationToken: Ct);
        await DeviceClients.ImportAsync(vigil, "CAM-0001");
        using var claim = await DeviceClients.NewClaimAsync(vigil, cancellationToken: Ct);

        using var device = await DeviceClients.ProvisionAsync(vigil, claim, "CAM-0001", cancellationToken: Ct);

        Assert.Equal("CN=Vigil device, O=Vigil", device.Subject);
        await using var scope = vigil.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
        var thing = await db.Things.SingleAsync(t => t.Name == "CAM-0001", Ct);
        var record = await db.Certificates.SingleAsync(c => c.Id == Fingerprint.Of(device), Ct);
        Assert.Equal(CertificateStatus.Active, record.Status);
        Assert.Equal("CAM-0001", record.ThingName);
        Assert.Equal(record.Id, thing.CertificateId);
        Assert.Equal("Camera", thing.ThingTypeName);
        Assert.Contains("\"serial_number\":\"CAM-0001\"", thing.AttributesJson, StringComparison.Ordinal);

        using var connected = await DeviceClients.ConnectAsync(vigil, device, "CAM-0001", cancellationToken: Ct);
        Assert.True(connected.IsConnected);
    }

    [Theory, MemberData(nameof(StorageProviders.All), MemberType = typeof(StorageProviders))]
    public async Task RegisterThing_stores_the_thing_and_its_signaling_channel_together_and_a_failing_channel_does_not_undo_the_thing(string provider)
    {
        await using var vigil = await RunningVigil.StartAsync(provider, settings: new Dictionary<string, string?> { ["Signaling:MaxChannels"] = "1" }, cancellationToken: Ct);
        await DeviceClients.ImportAsync(vigil, "CAM-FIRST", "CAM-OVER-LIMIT");
        using var claim = await DeviceClients.NewClaimAsync(vigil, cancellationToken: Ct);

        using var first = await DeviceClients.ProvisionAsync(vigil, claim, "CAM-FIRST", cancellationToken: Ct);
        // The one channel allowed is taken, so creating the second thing's channel fails inside
        // RegisterThing's transaction (on PostgreSQL that would abort it without the savepoint).
        using var second = await DeviceClients.ProvisionAsync(vigil, claim, "CAM-OVER-LIMIT", cancellationToken: Ct);

        await using var scope = vigil.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
        Assert.Equal(["CAM-FIRST", "CAM-OVER-LIMIT"], await db.Things.OrderBy(t => t.Name).Select(t => t.Name).ToListAsync(Ct));
        Assert.Equal(["CAM-FIRST"], await db.SignalingChannels.Select(c => c.Name).ToListAsync(Ct));
        Assert.Equal(CertificateStatus.Active, (await db.Certificates.SingleAsync(c => c.Id == Fingerprint.Of(second), Ct)).Status);
        using var connected = await DeviceClients.ConnectAsync(vigil, second, "CAM-OVER-LIMIT", cancellationToken: Ct);
        Assert.True(connected.IsConnected);
    }

    [Fact]
    public async Task CreateKeysAndCertificate_returns_a_working_key_and_certificate_that_stays_pending_until_registered()
    {
        await using var vigil = await RunningVigil.StartAsync(cancellationToken: Ct);
        await DeviceClients.ImportAsync(vigil, "CAM-0002");
        using var claim = await DeviceClients.NewClaimAsync(vigil, cancellationToken: Ct);
        using var client = await DeviceClients.ConnectAsync(vigil, claim, "CAM-0002", cancellationToken: Ct);

        var (accepted, body) = await DeviceClients.RequestAsync(client, FleetProvisioningTopics.CreateKeys, "{}", Ct);
        Assert.True(accepted, body);
        var created = JsonSerializer.Deserialize(body, FleetProvisioningJsonContext.Default.CreateKeysAndCertificateResponse)!;
        using var device = X509Certificate2.CreateFromPem(created.CertificatePem, created.PrivateKey);
        Assert.Equal(Fingerprint.Of(device), created.CertificateId);

        // Pending: it cannot connect yet.
        var pending = await Assert.ThrowsAsync<MqttConnectRefusedException>(() => DeviceClients.ConnectAsync(vigil, device, "CAM-0002", cancellationToken: Ct));
        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, pending.Code);

        var (registered, answer) = await DeviceClients.RequestAsync(client, FleetProvisioningTopics.Provision("VigilCameraTemplate"),
            JsonSerializer.Serialize(new { certificateOwnershipToken = created.CertificateOwnershipToken, parameters = new { SerialNumber = "CAM-0002" }, templateName = "VigilCameraTemplate" }), Ct);
        Assert.True(registered, answer);
        Assert.Equal("""{"deviceConfiguration":{},"thingName":"CAM-0002"}""", answer);

        using var connected = await DeviceClients.ConnectAsync(vigil, device, "CAM-0002", cancellationToken: Ct);
        Assert.True(connected.IsConnected);
    }

    [Fact]
    public async Task RegisterThing_refuses_an_unknown_serial_a_revoked_serial_a_bad_token_and_a_reused_token()
    {
        await using var vigil = await RunningVigil.StartAsync(cancellationToken: Ct);
        await DeviceClients.ImportAsync(vigil, "CAM-GOOD", "CAM-REVOKED");
        await using (var scope = vigil.App.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<Server.Features.Devices.ManufacturingRegistry>().RevokeAsync("CAM-REVOKED", Ct);
        }

        using var claim = await DeviceClients.NewClaimAsync(vigil, cancellationToken: Ct);
        using var client = await DeviceClients.ConnectAsync(vigil, claim, "factory-test", cancellationToken: Ct);
        var provision = FleetProvisioningTopics.Provision("VigilCameraTemplate");

        async Task<string> TokenAsync()
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var (ok, body) = await DeviceClients.RequestAsync(client, FleetProvisioningTopics.CreateFromCsr, JsonSerializer.Serialize(new { certificateSigningRequest = DeviceClients.CsrPem(key) }), Ct);
            Assert.True(ok, body);
            return JsonSerializer.Deserialize(body, FleetProvisioningJsonContext.Default.CreateCertificateFromCsrResponse)!.CertificateOwnershipToken;
        }

        async Task<ErrorResponse> RejectedAsync(string token, string serial)
        {
            var (ok, body) = await DeviceClients.RequestAsync(client, provision, JsonSerializer.Serialize(new { certificateOwnershipToken = token, parameters = new { SerialNumber = serial } }), Ct);
            Assert.False(ok, body);
            return JsonSerializer.Deserialize(body, FleetProvisioningJsonContext.Default.ErrorResponse)!;
        }

        var unknown = await RejectedAsync(await TokenAsync(), "CAM-NOT-MADE");
        Assert.Equal((403, "AccessDenied"), (unknown.StatusCode, unknown.ErrorCode));
        Assert.Contains("not in the manufacturing registry", unknown.ErrorMessage, StringComparison.Ordinal);

        var revoked = await RejectedAsync(await TokenAsync(), "CAM-REVOKED");
        Assert.Equal((403, "AccessDenied"), (revoked.StatusCode, revoked.ErrorCode));

        var forged = await RejectedAsync("not-a-token", "CAM-GOOD");
        Assert.Equal((400, "InvalidCertificateOwnershipToken"), (forged.StatusCode, forged.ErrorCode));

        var token = await TokenAsync();
        var (first, firstBody) = await DeviceClients.RequestAsync(client, provision, JsonSerializer.Serialize(new { certificateOwnershipToken = token, parameters = new { SerialNumber = "CAM-GOOD" } }), Ct);
        Assert.True(first, firstBody);
        var reused = await RejectedAsync(token, "CAM-GOOD");
        Assert.Equal((400, "InvalidCertificateOwnershipToken"), (reused.StatusCode, reused.ErrorCode));
        Assert.Contains("already used", reused.ErrorMessage, StringComparison.Ordinal);

        var again = await RejectedAsync(await TokenAsync(), "CAM-GOOD");
        Assert.Equal((403, "AccessDenied"), (again.StatusCode, again.ErrorCode));
        Assert.Contains("already provisioned", again.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_ownership_token_works_only_for_the_claim_certificate_it_was_issued_to()
    {
        await using var vigil = await RunningVigil.StartAsync(cancellationToken: Ct);
        await DeviceClients.ImportAsync(vigil, "CAM-0003");
        using var claimA = await DeviceClients.NewClaimAsync(vigil, cancellationToken: Ct);
        using var claimB = await DeviceClients.NewClaimAsync(vigil, cancellationToken: Ct);
        using var a = await DeviceClients.ConnectAsync(vigil, claimA, "a", cancellationToken: Ct);
        using var b = await DeviceClients.ConnectAsync(vigil, claimB, "b", cancellationToken: Ct);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var (_, body) = await DeviceClients.RequestAsync(a, FleetProvisioningTopics.CreateFromCsr, JsonSerializer.Serialize(new { certificateSigningRequest = DeviceClients.CsrPem(key) }), Ct);
        var token = JsonSerializer.Deserialize(body, FleetProvisioningJsonContext.Default.CreateCertificateFromCsrResponse)!.CertificateOwnershipToken;

        var (ok, answer) = await DeviceClients.RequestAsync(b, FleetProvisioningTopics.Provision("VigilCameraTemplate"), JsonSerializer.Serialize(new { certificateOwnershipToken = token, parameters = new { SerialNumber = "CAM-0003" } }), Ct);

        Assert.False(ok);
        Assert.Contains("another claim certificate", answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Responses_go_only_to_the_connection_that_asked()
    {
        await using var vigil = await RunningVigil.StartAsync(cancellationToken: Ct);
        using var claim = await DeviceClients.NewClaimAsync(vigil, cancellationToken: Ct);
        using var asker = await DeviceClients.ConnectAsync(vigil, claim, "asker", cancellationToken: Ct);
        using var bystander = await DeviceClients.ConnectAsync(vigil, claim, "bystander", cancellationToken: Ct);
        var overheard = 0;
        bystander.ApplicationMessageReceivedAsync += _ =>
        {
            Interlocked.Increment(ref overheard);
            return Task.CompletedTask;
        };
        await bystander.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("$aws/certificates/create/#").Build(), Ct);

        var (accepted, _) = await DeviceClients.RequestAsync(asker, FleetProvisioningTopics.CreateKeys, "{}", Ct);
        Assert.True(accepted);

        // The bystander's own request is answered after the asker's; had it overheard the
        // asker's response, that would have arrived first on its ordered connection.
        var (own, _) = await DeviceClients.RequestAsync(bystander, FleetProvisioningTopics.CreateKeys, "{}", Ct);
        Assert.True(own);
        Assert.Equal(1, Volatile.Read(ref overheard));
    }

    [Fact]
    public async Task A_csr_key_must_be_ecdsa_on_a_nist_curve_or_rsa_of_2048_bits_or_more()
    {
        await using var vigil = await RunningVigil.StartAsync(cancellationToken: Ct);
        var service = vigil.App.Services.GetRequiredService<FleetProvisioningService>();
        Assert.True(FleetProvisioningTopics.TryParseRequest(FleetProvisioningTopics.CreateFromCsr, out var request));

        async Task<(bool Accepted, string Body)> RequestWithAsync(AsymmetricAlgorithm key)
        {
            var csr = key switch
            {
                ECDsa ec => new CertificateRequest("CN=ignored", ec, HashAlgorithmName.SHA256),
                RSA rsa => new CertificateRequest("CN=ignored", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
                _ => throw new ArgumentException(key.GetType().Name),
            };
            var payload = JsonSerializer.SerializeToUtf8Bytes(new { certificateSigningRequest = csr.CreateSigningRequestPem() });
            var reply = await service.HandleAsync(FuzzClaim(), request, new System.Buffers.ReadOnlySequence<byte>(payload), Ct);
            return (reply.Accepted, System.Text.Encoding.UTF8.GetString(reply.Payload));
        }

        foreach (var curve in new[] { ECCurve.NamedCurves.nistP256, ECCurve.NamedCurves.nistP384, ECCurve.NamedCurves.nistP521 })
        {
            using var key = ECDsa.Create(curve);
            var (accepted, body) = await RequestWithAsync(key);
            Assert.True(accepted, body);
            using var issued = X509Certificate2.CreateFromPem(JsonSerializer.Deserialize(body, FleetProvisioningJsonContext.Default.CreateCertificateFromCsrResponse)!.CertificatePem);
            using var issuedKey = issued.GetECDsaPublicKey()!;
            Assert.Equal(key.KeySize, issuedKey.KeySize);
        }

        using (var rsa = RSA.Create(2048))
        {
            var (accepted, body) = await RequestWithAsync(rsa);
            Assert.True(accepted, body);
        }

        using (var secp256k1 = ECDsa.Create(ECCurve.CreateFromFriendlyName("secp256k1")))
        {
            var (accepted, body) = await RequestWithAsync(secp256k1);
            Assert.False(accepted);
            Assert.Contains("must be on P-256, P-384 or P-521", body, StringComparison.Ordinal);
        }

        using (var shortRsa = RSA.Create(1024))
        {
            var (accepted, body) = await RequestWithAsync(shortRsa);
            Assert.False(accepted);
            Assert.Contains("2048 to 8192 bits", body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Malformed_truncated_oversized_and_random_payloads_get_only_rejected_answers()
    {
        await using var vigil = await RunningVigil.StartAsync(cancellationToken: Ct);
        var service = vigil.App.Services.GetRequiredService<FleetProvisioningService>();
        var claim = FuzzClaim();
        var requests = new[] { FleetProvisioningTopics.CreateFromCsr, FleetProvisioningTopics.Provision("VigilCameraTemplate") }
            .Select(t => FleetProvisioningTopics.TryParseRequest(t, out var r) ? r : throw new InvalidOperationException(t)).ToList();
        var valid = """{"certificateSigningRequest":"-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----","certificateOwnershipToken":"x","parameters":{"SerialNumber":"A"}}"""u8.ToArray();
        var random = new Random(5);
        var inputs = new List<byte[]>();
        for (var cut = 0; cut < valid.Length; cut += 7)
        {
            inputs.Add(valid[..cut]);
        }

        inputs.Add(new byte[FleetProvisioningService.MaxPayloadBytes + 1]);
        inputs.Add("""{"parameters":{"SerialNumber":5}}"""u8.ToArray());
        inputs.Add("""{"certificateSigningRequest":["x"]}"""u8.ToArray());
        inputs.Add("[]"u8.ToArray());
        for (var i = 0; i < 300; i++)
        {
            var bytes = (byte[])valid.Clone();
            for (var flips = random.Next(1, 6); flips > 0; flips--)
            {
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            }

            inputs.Add(bytes);
            var noise = new byte[random.Next(0, 200)];
            random.NextBytes(noise);
            inputs.Add(noise);
        }

        foreach (var request in requests)
        {
            foreach (var input in inputs)
            {
                var reply = await service.HandleAsync(claim, request, new System.Buffers.ReadOnlySequence<byte>(input), Ct);
                Assert.False(reply.Accepted);
                var error = JsonSerializer.Deserialize(reply.Payload, FleetProvisioningJsonContext.Default.ErrorResponse)!;
                Assert.InRange(error.StatusCode, 400, 499);
                Assert.EndsWith("/rejected", reply.Topic, StringComparison.Ordinal);
            }
        }
    }

    /// <summary>A claim principal for calling the service directly, without a connection.</summary>
    private static DevicePrincipal FuzzClaim() => new()
    {
        Kind = CertificateKind.Claim,
        CertificateId = new string('a', 64),
        ClientId = "fuzz",
        Template = "VigilCameraTemplate",
        NotAfter = DateTimeOffset.MaxValue,
        SessionId = Guid.NewGuid(),
        IpAddress = null,
        ConnectedAt = DateTimeOffset.UnixEpoch,
        ProtocolVersion = MQTTnet.Formatter.MqttProtocolVersion.V500,
    };
}
