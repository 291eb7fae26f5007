using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Vigil.Contracts.FleetProvisioning;

namespace Vigil.Agent;

/// <summary>
/// The AWS IoT fleet-provisioning claim flow as a camera runs it (spec §4.4), resumable after an
/// interruption at any step, then a connection with the camera's own certificate to prove it.
/// </summary>
internal sealed class Provisioner(AgentBundle bundle, DeviceState state, TextWriter output, TimeProvider time)
{
    /// <summary>A pending certificate older than this is not worth registering: its ownership token (1 hour) is about to expire.</summary>
    private static readonly TimeSpan TokenUsableFor = TimeSpan.FromMinutes(55);

    /// <summary>Set <c>VIGIL_AGENT_FAULT</c> to <c>after-key</c>, <c>after-certificate</c> or <c>after-register</c> to stop right after that step (crash-recovery tests).</summary>
    public string? Fault { get; init; }

    public async Task<ProvisionedThing> ProvisionAsync(string serial, IReadOnlyDictionary<string, string> parameters, bool createKeys, CancellationToken cancellationToken)
    {
        state.EnsureDirectory();
        using var root = bundle.LoadRootCertificate();
        var endpoint = bundle.Configuration.Mqtt;

        if (state.LoadThing() is { } done)
        {
            output.WriteLine($"Already provisioned as {done.ThingName}; checking the connection.");
            await ConnectAsDeviceAsync(root, done.ThingName, cancellationToken);
            return done;
        }

        using var claim = bundle.LoadClaimCertificate();
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var pending = state.LoadPending();
            if (pending is not null && time.GetUtcNow() - pending.IssuedAt > TokenUsableFor)
            {
                output.WriteLine("The certificate from the last attempt was never registered and its token has expired; starting over.");
                state.DiscardPending();
                pending = null;
            }

            await using var connection = await ConnectClaimAsync(endpoint, root, claim, serial, cancellationToken);
            pending ??= await RequestCertificateAsync(connection, createKeys, cancellationToken);

            var request = new RegisterThingRequest
            {
                CertificateOwnershipToken = pending.CertificateOwnershipToken,
                Parameters = new Dictionary<string, string>(parameters, StringComparer.Ordinal) { ["SerialNumber"] = serial },
            };
            var template = bundle.Configuration.ProvisioningTemplate;
            var (accepted, body) = await connection.RequestAsync(
                $"$aws/provisioning-templates/{template}/provision/json",
                JsonSerializer.Serialize(request, FleetProvisioningJsonContext.Default.RegisterThingRequest),
                cancellationToken);
            if (accepted)
            {
                var registered = JsonSerializer.Deserialize(body, FleetProvisioningJsonContext.Default.RegisterThingResponse)
                    ?? throw new AgentException("the server's RegisterThing answer is empty");
                if (Fault == "after-register")
                {
                    throw new AgentException("stopping after RegisterThing (VIGIL_AGENT_FAULT)", AgentExitCodes.InjectedFault);
                }

                var thing = new ProvisionedThing(registered.ThingName, pending.CertificateId, registered.DeviceConfiguration, time.GetUtcNow());
                state.SaveProvisioned(pending.CertificatePem, thing);
                output.WriteLine($"Registered as thing {thing.ThingName} (certificate {thing.CertificateId[..12]}…).");
                await connection.DisposeAsync();
                await ConnectAsDeviceAsync(root, thing.ThingName, cancellationToken);
                return thing;
            }

            var error = Parse(body);
            if (error.ErrorCode == "InvalidCertificateOwnershipToken" && await AlreadyRegisteredAsync(root, pending, serial, cancellationToken) is { } recovered)
            {
                // The last run was interrupted after the server registered the thing but before
                // this camera wrote that down: the token is used up, the certificate works.
                return recovered;
            }

            if (error.StatusCode >= 500)
            {
                throw new AgentException($"the server could not register the camera now ({error.ErrorCode}: {error.ErrorMessage}); run again later (the certificate is kept)");
            }

            if (error.StatusCode is 403 or 404 or 409)
            {
                throw new AgentException($"provisioning refused: {error.ErrorCode}: {error.ErrorMessage}", AgentExitCodes.Refused);
            }

            output.WriteLine($"RegisterThing rejected the saved certificate ({error.ErrorCode}: {error.ErrorMessage}); requesting a new one.");
            state.DiscardPending();
        }

        throw new AgentException("provisioning did not succeed after requesting a new certificate");
    }

    private async Task<MqttConnection> ConnectClaimAsync(Contracts.Agent.MqttEndpoint endpoint, X509Certificate2 root, X509Certificate2 claim, string serial, CancellationToken cancellationToken)
    {
        try
        {
            // Not the serial itself: that is (or becomes) the thing's name, which the server refuses to claim connections.
            return await MqttConnection.ConnectAsync(endpoint, root, claim, "claim-" + serial, cancellationToken);
        }
        catch (MqttRefusedException e)
        {
            throw new AgentException($"the claim certificate was refused: {e.Message}", AgentExitCodes.Refused);
        }
    }

    private async Task<PendingRegistration> RequestCertificateAsync(MqttConnection connection, bool createKeys, CancellationToken cancellationToken)
    {
        PendingRegistration pending;
        if (createKeys)
        {
            var (accepted, body) = await connection.RequestAsync("$aws/certificates/create/json", "{}", cancellationToken);
            if (!accepted)
            {
                throw Refused("CreateKeysAndCertificate", body);
            }

            var created = JsonSerializer.Deserialize(body, FleetProvisioningJsonContext.Default.CreateKeysAndCertificateResponse)!;
            // The server generated this key and sent it once: keep it before anything else.
            state.SaveKey(created.PrivateKey);
            pending = new PendingRegistration(created.CertificateId, created.CertificatePem, created.CertificateOwnershipToken, time.GetUtcNow());
        }
        else
        {
            using var key = state.LoadKey() ?? NewKey();
            var csr = new CertificateRequest("CN=vigil-agent", key, HashAlgorithmName.SHA256).CreateSigningRequestPem();
            var (accepted, body) = await connection.RequestAsync(
                "$aws/certificates/create-from-csr/json",
                JsonSerializer.Serialize(new CreateCertificateFromCsrRequest { CertificateSigningRequest = csr }, FleetProvisioningJsonContext.Default.CreateCertificateFromCsrRequest),
                cancellationToken);
            if (!accepted)
            {
                throw Refused("CreateCertificateFromCsr", body);
            }

            var created = JsonSerializer.Deserialize(body, FleetProvisioningJsonContext.Default.CreateCertificateFromCsrResponse)!;
            pending = new PendingRegistration(created.CertificateId, created.CertificatePem, created.CertificateOwnershipToken, time.GetUtcNow());
        }

        state.SavePending(pending);
        output.WriteLine($"Got certificate {pending.CertificateId[..12]}… (pending until registered).");
        if (Fault == "after-certificate")
        {
            throw new AgentException("stopping after the certificate was issued (VIGIL_AGENT_FAULT)", AgentExitCodes.InjectedFault);
        }

        return pending;
    }

    /// <summary>Generates the device key and saves it (0600) before the CSR is sent; it never leaves the device.</summary>
    private ECDsa NewKey()
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        state.SaveKey(key.ExportPkcs8PrivateKeyPem());
        output.WriteLine("Generated the device key (it never leaves this device).");
        if (Fault == "after-key")
        {
            key.Dispose();
            throw new AgentException("stopping after the key was generated (VIGIL_AGENT_FAULT)", AgentExitCodes.InjectedFault);
        }

        return key;
    }

    private async Task<ProvisionedThing?> AlreadyRegisteredAsync(X509Certificate2 root, PendingRegistration pending, string serial, CancellationToken cancellationToken)
    {
        using var key = state.LoadKey();
        if (key is null)
        {
            return null;
        }

        using var certificate = X509Certificate2.CreateFromPem(pending.CertificatePem).CopyWithPrivateKey(key);
        try
        {
            await using var connection = await MqttConnection.ConnectAsync(bundle.Configuration.Mqtt, root, certificate, serial, cancellationToken);
        }
        catch (Exception e) when (e is MqttRefusedException or AgentException)
        {
            return null;
        }

        var thing = new ProvisionedThing(serial, pending.CertificateId, [], time.GetUtcNow());
        state.SaveProvisioned(pending.CertificatePem, thing);
        output.WriteLine($"The previous run had registered this camera as {serial}; its certificate works.");
        output.WriteLine($"Connected to {bundle.Configuration.Mqtt.Host}:{bundle.Configuration.Mqtt.Port} as {serial} with the device certificate.");
        return thing;
    }

    private async Task ConnectAsDeviceAsync(X509Certificate2 root, string thingName, CancellationToken cancellationToken)
    {
        using var certificate = state.LoadDeviceCertificate();
        try
        {
            await using var connection = await MqttConnection.ConnectAsync(bundle.Configuration.Mqtt, root, certificate, thingName, cancellationToken);
        }
        catch (MqttRefusedException e)
        {
            throw new AgentException($"the device certificate was refused ({e.Message}); it may have been revoked", AgentExitCodes.Refused);
        }

        output.WriteLine($"Connected to {bundle.Configuration.Mqtt.Host}:{bundle.Configuration.Mqtt.Port} as {thingName} with the device certificate.");
    }

    private static ErrorResponse Parse(string body)
    {
        try
        {
            return JsonSerializer.Deserialize(body, FleetProvisioningJsonContext.Default.ErrorResponse)
                ?? new ErrorResponse { StatusCode = 500, ErrorCode = "Unknown", ErrorMessage = body };
        }
        catch (JsonException)
        {
            return new ErrorResponse { StatusCode = 500, ErrorCode = "Unknown", ErrorMessage = body };
        }
    }

    private static AgentException Refused(string operation, string body)
    {
        var error = Parse(body);
        return new AgentException($"{operation} refused: {error.ErrorCode}: {error.ErrorMessage}", error.StatusCode is 403 ? AgentExitCodes.Refused : AgentExitCodes.Failure);
    }
}
