using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using Vigil.Contracts.FleetProvisioning;
using Vigil.Server.Features.Devices;
using Vigil.Server.Features.Pki;
using Vigil.Server.Hosting;
using Vigil.Server.Storage;

namespace Vigil.Server.Features.Provisioning;

/// <summary>
/// AWS IoT fleet provisioning by claim (spec §4): CreateKeysAndCertificate,
/// CreateCertificateFromCsr and RegisterThing, answered on the request's <c>/accepted</c> or
/// <c>/rejected</c> topic. RegisterThing runs the pre-provisioning checks (optional hook, then the
/// manufacturing registry, then "not already provisioned"), applies the template, activates the
/// certificate and stores the thing in one transaction.
/// </summary>
internal sealed partial class FleetProvisioningService(
    IServiceScopeFactory scopes,
    OwnershipTokens tokens,
    PreProvisioningHook hook,
    IOptions<ProvisioningOptions> options,
    IOptions<AwsOptions> aws,
    ILogger<FleetProvisioningService> logger)
{
    public const int MaxPayloadBytes = 64 * 1024;

    public async Task<FleetProvisioningReply> HandleAsync(DevicePrincipal claim, FleetProvisioningRequest request, ReadOnlySequence<byte> payload, CancellationToken cancellationToken)
    {
        if (payload.Length > MaxPayloadBytes)
        {
            return Reject(request, 400, "InvalidPayload", $"the payload is larger than {MaxPayloadBytes} bytes");
        }

        try
        {
            return request.Operation switch
            {
                FleetProvisioningOperation.CreateKeysAndCertificate => await CreateKeysAsync(claim, request, cancellationToken),
                FleetProvisioningOperation.CreateCertificateFromCsr => await CreateFromCsrAsync(claim, request, payload, cancellationToken),
                _ => await RegisterThingAsync(claim, request, payload, cancellationToken),
            };
        }
        catch (JsonException)
        {
            return Reject(request, 400, "InvalidPayload", "the payload is not the JSON object this request takes");
        }
    }

    private async Task<FleetProvisioningReply> CreateKeysAsync(DevicePrincipal claim, FleetProvisioningRequest request, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var issuer = scope.ServiceProvider.GetRequiredService<DeviceCertificateIssuer>();
        var (record, privateKey) = await issuer.IssueWithNewKeyAsync(cancellationToken);
        Log.CertificateIssued(logger, record.Id, claim.ClientId, "CreateKeysAndCertificate");
        return Accept(request, new CreateKeysAndCertificateResponse
        {
            CertificateId = record.Id,
            CertificatePem = record.Pem,
            PrivateKey = privateKey,
            CertificateOwnershipToken = tokens.Issue(record.Id, claim.CertificateId),
        }, FleetProvisioningJsonContext.Default.CreateKeysAndCertificateResponse);
    }

    private async Task<FleetProvisioningReply> CreateFromCsrAsync(DevicePrincipal claim, FleetProvisioningRequest request, ReadOnlySequence<byte> payload, CancellationToken cancellationToken)
    {
        var body = Deserialize(payload, FleetProvisioningJsonContext.Default.CreateCertificateFromCsrRequest);
        await using var scope = scopes.CreateAsyncScope();
        var issuer = scope.ServiceProvider.GetRequiredService<DeviceCertificateIssuer>();
        var (record, problem) = await issuer.IssueFromCsrAsync(body?.CertificateSigningRequest, cancellationToken);
        if (record is null)
        {
            return Reject(request, 400, "InvalidCsr", problem!);
        }

        Log.CertificateIssued(logger, record.Id, claim.ClientId, "CreateCertificateFromCsr");
        return Accept(request, new CreateCertificateFromCsrResponse
        {
            CertificateOwnershipToken = tokens.Issue(record.Id, claim.CertificateId),
            CertificateId = record.Id,
            CertificatePem = record.Pem,
        }, FleetProvisioningJsonContext.Default.CreateCertificateFromCsrResponse);
    }

    private async Task<FleetProvisioningReply> RegisterThingAsync(DevicePrincipal claim, FleetProvisioningRequest request, ReadOnlySequence<byte> payload, CancellationToken cancellationToken)
    {
        var body = Deserialize(payload, FleetProvisioningJsonContext.Default.RegisterThingRequest);
        var templateName = request.TemplateName!;
        if (!options.Value.Templates.TryGetValue(templateName, out var template))
        {
            return Reject(request, 404, "ResourceNotFound", $"there is no provisioning template {templateName}");
        }

        if (!tokens.TryRead(body?.CertificateOwnershipToken, claim.CertificateId, out var certificateId, out var tokenProblem))
        {
            return Refuse(request, claim, 400, "InvalidCertificateOwnershipToken", tokenProblem);
        }

        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var certificates = services.GetRequiredService<CertificateRegistry>();
        var certificate = await certificates.FindAsync(certificateId, cancellationToken);
        if (certificate is null || certificate.Kind != CertificateKind.Device)
        {
            return Refuse(request, claim, 400, "InvalidCertificateOwnershipToken", "the certificate of this token no longer exists (a certificate not registered within an hour is discarded)");
        }

        if (certificate.Status != CertificateStatus.PendingActivation)
        {
            return Refuse(request, claim, 400, "InvalidCertificateOwnershipToken", "the certificate ownership token was already used");
        }

        var parameters = new Dictionary<string, string>(body?.Parameters ?? [], StringComparer.Ordinal);
        if (template.PreProvisioningHookUrl is { } hookUrl)
        {
            var answer = await hook.CallAsync(hookUrl, new PreProvisioningHookRequest
            {
                ClaimCertificateId = claim.CertificateId,
                CertificateId = certificateId,
                CertificatePem = certificate.Pem,
                TemplateArn = $"arn:aws:iot:{aws.Value.Region}:{aws.Value.AccountId}:provisioningtemplate/{templateName}",
                ClientId = claim.ClientId,
                Parameters = new Dictionary<string, string>(parameters, StringComparer.Ordinal),
            }, cancellationToken);
            if (answer?.AllowProvisioning is not true)
            {
                return Refuse(request, claim, 403, "AccessDenied", "the pre-provisioning hook refused the request");
            }

            foreach (var (key, value) in answer.ParameterOverrides ?? [])
            {
                parameters[key] = value;
            }
        }

        parameters[ProvisioningTemplate.CertificateIdParameter] = certificateId;
        if (!template.TryApply(parameters, out var definition, out var templateProblem))
        {
            return Refuse(request, claim, 400, "InvalidParameters", templateProblem);
        }

        var serial = parameters.GetValueOrDefault(ProvisioningTemplate.SerialNumberParameter) ?? definition.ThingName;
        var entry = await services.GetRequiredService<ManufacturingRegistry>().FindAsync(serial, cancellationToken);
        if (entry is null)
        {
            return Refuse(request, claim, 403, "AccessDenied", $"serial number {DisplayText.Printable(serial)} is not in the manufacturing registry");
        }

        if (entry.RevokedAt is not null)
        {
            return Refuse(request, claim, 403, "AccessDenied", $"serial number {serial} was revoked");
        }

        var things = services.GetRequiredService<ThingRegistry>();
        if (await things.FindBySerialAsync(serial, cancellationToken) is { } other && other.Name != definition.ThingName)
        {
            // One thing per serial: a camera bound by its serial must find exactly one thing.
            return Refuse(request, claim, 409, "ResourceConflict", $"serial number {serial} is already provisioned as thing {other.Name}");
        }

        var thing = await things.FindAsync(definition.ThingName, cancellationToken);
        CertificateRecord? previous = null;
        if (thing is not null)
        {
            previous = await certificates.FindAsync(thing.CertificateId, cancellationToken);
            var previouslyActive = previous is { Status: CertificateStatus.Active } && previous.Id != certificateId;
            if (!options.Value.AllowReprovision && (previouslyActive || thing.RevokedAt is not null))
            {
                return Refuse(request, claim, 403, "AccessDenied", thing.RevokedAt is not null
                    ? $"thing {thing.Name} was revoked; it can be provisioned again only with Provisioning:AllowReprovision"
                    : $"thing {thing.Name} is already provisioned with another active certificate");
            }
        }

        var db = services.GetRequiredService<VigilDbContext>();
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            if (!await certificates.TryActivateAsync(certificateId, definition.ThingName, cancellationToken))
            {
                return Refuse(request, claim, 400, "InvalidCertificateOwnershipToken", "the certificate ownership token was already used");
            }

            if (previous is { Status: CertificateStatus.Active } && previous.Id != certificateId)
            {
                await certificates.SetStatusAsync(previous.Id, CertificateStatus.Inactive, cancellationToken);
            }

            var provisioned = new ProvisionedThing(
                definition.ThingName,
                serial,
                definition.ThingTypeName,
                JsonSerializer.Serialize(definition.Attributes, ProvisioningJsonContext.Default.IReadOnlyDictionaryStringString),
                JsonSerializer.Serialize(definition.ThingGroups, ProvisioningJsonContext.Default.IReadOnlyListString),
                templateName,
                certificateId);
            if (!await things.TryStoreProvisionedAsync(provisioned, cancellationToken))
            {
                // Another connection registered the same thing at this moment; the transaction
                // rolls back and this certificate stays pending (and is discarded later).
                return Refuse(request, claim, 409, "ResourceConflict", $"thing {definition.ThingName} was provisioned by another request at the same time");
            }

            // In the same transaction (one commit instead of one more per observer), behind a
            // savepoint so that a failing observer undoes only its own work.
            await NotifyAsync(services, transaction, new ThingProvisioned(definition.ThingName, definition.ThingTypeName, certificateId, templateName, thing is not null), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        Log.ThingProvisioned(logger, definition.ThingName, certificateId, templateName, thing is not null);
        return Accept(request, new RegisterThingResponse
        {
            DeviceConfiguration = new Dictionary<string, string>(definition.DeviceConfiguration, StringComparer.Ordinal),
            ThingName = definition.ThingName,
        }, FleetProvisioningJsonContext.Default.RegisterThingResponse);
    }

    private async Task NotifyAsync(IServiceProvider services, IDbContextTransaction transaction, ThingProvisioned provisioned, CancellationToken cancellationToken)
    {
        foreach (var observer in services.GetServices<IThingLifecycleObserver>())
        {
            const string savepoint = "observer";
            await transaction.CreateSavepointAsync(savepoint, cancellationToken);
            try
            {
                await observer.OnThingProvisionedAsync(provisioned, cancellationToken);
                await transaction.ReleaseSavepointAsync(savepoint, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // PostgreSQL refuses every further statement of a transaction with a failed one
                // until it rolls back to a savepoint.
                await transaction.RollbackToSavepointAsync(savepoint, cancellationToken);
                Log.ObserverFailed(logger, observer.GetType().Name, provisioned.ThingName, e);
            }
        }
    }

    /// <summary>Reads a request payload; null when empty. Throws <see cref="JsonException"/> (refused as InvalidPayload) when it is not that JSON object.</summary>
    internal static T? Deserialize<T>(ReadOnlySequence<byte> payload, JsonTypeInfo<T> type)
    {
        if (payload.IsEmpty)
        {
            return default;
        }

        var reader = new Utf8JsonReader(payload);
        return JsonSerializer.Deserialize(ref reader, type);
    }

    private static FleetProvisioningReply Accept<T>(FleetProvisioningRequest request, T response, JsonTypeInfo<T> type) =>
        new(FleetProvisioningTopics.Accepted(request.Topic), JsonSerializer.SerializeToUtf8Bytes(response, type), Accepted: true);

    public static FleetProvisioningReply InternalError(FleetProvisioningRequest request) =>
        Reject(request, 500, "InternalFailure", "the server could not complete the request; try again later");

    /// <summary>AWS IoT answers a throttled request with status 429 and error code <c>Throttling</c>.</summary>
    public static FleetProvisioningReply Throttled(FleetProvisioningRequest request, string message) =>
        Reject(request, 429, "Throttling", message);

    private static FleetProvisioningReply Reject(FleetProvisioningRequest request, int status, string code, string message) =>
        new(
            FleetProvisioningTopics.Rejected(request.Topic),
            JsonSerializer.SerializeToUtf8Bytes(new ErrorResponse { StatusCode = status, ErrorCode = code, ErrorMessage = message }, FleetProvisioningJsonContext.Default.ErrorResponse),
            Accepted: false);

    private FleetProvisioningReply Refuse(FleetProvisioningRequest request, DevicePrincipal claim, int status, string code, string message)
    {
        Log.RegisterThingRefused(logger, claim.ClientId, claim.CertificateId, code, message);
        return Reject(request, status, code, message);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 510, Level = LogLevel.Information, Message = "Issued device certificate {CertificateId} (pending activation) to {ClientId} by {Operation}")]
        public static partial void CertificateIssued(ILogger logger, string certificateId, string clientId, string operation);

        [LoggerMessage(EventId = 511, Level = LogLevel.Information, Message = "Provisioned thing {ThingName} with certificate {CertificateId} (template {Template}, again: {Reprovisioned})")]
        public static partial void ThingProvisioned(ILogger logger, string thingName, string certificateId, string template, bool reprovisioned);

        [LoggerMessage(EventId = 512, Level = LogLevel.Warning, Message = "RegisterThing from {ClientId} (claim certificate {ClaimCertificateId}) refused: {ErrorCode}: {Reason}")]
        public static partial void RegisterThingRefused(ILogger logger, string clientId, string claimCertificateId, string errorCode, string reason);

        [LoggerMessage(EventId = 513, Level = LogLevel.Warning, Message = "{Observer} failed for provisioned thing {ThingName}; provisioning stands")]
        public static partial void ObserverFailed(ILogger logger, string observer, string thingName, Exception exception);
    }
}
