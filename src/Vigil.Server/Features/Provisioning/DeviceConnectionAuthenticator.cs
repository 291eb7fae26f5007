using System.Net;
using Microsoft.Extensions.Options;
using MQTTnet.Protocol;
using MQTTnet.Server;
using Vigil.Server.Features.Devices;
using Vigil.Server.Features.Pki;

namespace Vigil.Server.Features.Provisioning;

/// <summary>
/// Decides at CONNECT who a connection is (TLS already proved the certificate chains to Vigil's
/// CA): the certificate is looked up by its SHA-256 id in the certificate registry and must be
/// an ACTIVE claim, device or integration certificate within its validity; a device must use its
/// thing name as client id, an integration its name, and a claim certificate may not use a
/// provisioned thing's name (connected or not), an integration's name, or the client id of any
/// connected device or integration. Everything else gets "not authorized" in the CONNACK, and a log line.
/// </summary>
internal sealed partial class DeviceConnectionAuthenticator(
    IServiceScopeFactory scopes,
    DeviceConnections connections,
    ProvisioningMetrics metrics,
    IOptions<ProvisioningOptions> options,
    TimeProvider time,
    ILogger<DeviceConnectionAuthenticator> logger)
{
    public async Task<DevicePrincipal?> AuthenticateAsync(ValidatingConnectionEventArgs connection)
    {
        var certificate = connection.ClientCertificate;
        var remote = connection.RemoteEndPoint;
        var clientId = connection.ClientId ?? "";
        if (certificate is null)
        {
            return Refuse(connection, MqttConnectReasonCode.NotAuthorized, ("no_certificate", "no client certificate"), null);
        }

        if (clientId.Length is 0 or > 128)
        {
            return Refuse(connection, MqttConnectReasonCode.ClientIdentifierNotValid, ("invalid_client_id", "the client id must be 1 to 128 characters"), null);
        }

        var certificateId = Fingerprint.Of(certificate);
        CertificateRecord? record;
        IntegrationClient? integration = null;
        string? claimedName = null;
        await using (var scope = scopes.CreateAsyncScope())
        {
            record = await scope.ServiceProvider.GetRequiredService<CertificateRegistry>().FindAsync(certificateId, connection.CancellationToken);
            if (record?.Kind == CertificateKind.Integration)
            {
                integration = await scope.ServiceProvider.GetRequiredService<IIntegrationClients>().FindByCertificateAsync(certificateId, connection.CancellationToken);
            }
            else if (record?.Kind == CertificateKind.Claim)
            {
                claimedName = await scope.ServiceProvider.GetRequiredService<ThingRegistry>().FindAsync(clientId, connection.CancellationToken) is not null ? "a provisioned thing's name"
                    : await scope.ServiceProvider.GetRequiredService<IIntegrationClients>().IsClientIdAsync(clientId, connection.CancellationToken) ? "an integration's name"
                    : null;
            }
        }

        var now = time.GetUtcNow();
        // Each refusal has a fixed reason (the metric's label) and a message (the log line, the CONNACK).
        (string Reason, string Message)? problem = record switch
        {
            null => ("unknown_certificate", "the certificate is unknown (not in the certificate registry)"),
            { Kind: not (CertificateKind.Claim or CertificateKind.Device or CertificateKind.Integration) } => ("wrong_certificate_kind", $"a {record.Kind} certificate cannot connect to MQTT"),
            { Status: CertificateStatus.PendingActivation } when now - record.CreatedAt > OwnershipTokens.Lifetime => ("pending_activation", "the certificate was never registered (pending activation for more than an hour)"),
            { Status: CertificateStatus.PendingActivation } => ("pending_activation", "the certificate is pending activation (RegisterThing has not run)"),
            { Status: CertificateStatus.Revoked } => ("revoked", "the certificate is revoked"),
            { Status: not CertificateStatus.Active } => ("inactive", $"the certificate is {record.Status}"),
            _ when now < record.NotBefore || now > record.NotAfter => ("expired", "the certificate is outside its validity period"),
            { Kind: CertificateKind.Device, ThingName: null } => ("no_thing", "the device certificate is not attached to a thing"),
            { Kind: CertificateKind.Device } when record.ThingName != clientId => ("client_id_mismatch", $"a device certificate must connect with its thing name as client id ({record.ThingName})"),
            { Kind: CertificateKind.Claim, Template: null } => ("no_template", "the claim certificate has no provisioning template"),
            // Every camera of a batch carries the same claim certificate, so anyone who extracts it
            // could otherwise knock any connected camera or integration offline by taking its
            // session over, or publish presence under its name.
            { Kind: CertificateKind.Claim } when claimedName is not null => ("session_takeover", $"the client id is {claimedName}; a claim certificate cannot use it"),
            { Kind: CertificateKind.Claim } when connections.Get(clientId) is { Kind: not CertificateKind.Claim } => ("session_takeover", "the client id is held by a connected device or integration; a claim certificate cannot take its session over"),
            { Kind: CertificateKind.Integration } when integration is null => ("revoked", "the integration certificate belongs to no integration (revoked)"),
            { Kind: CertificateKind.Integration } when integration!.ClientId != clientId => ("client_id_mismatch", $"an integration certificate must connect with its integration's name as client id ({integration.ClientId})"),
            _ => null,
        };
        if (problem is { } refusal)
        {
            return Refuse(connection, MqttConnectReasonCode.NotAuthorized, refusal, certificateId);
        }

        var deviceTopics = record!.Kind switch
        {
            CertificateKind.Device => DevicePolicy.DeviceTopicsFor(options.Value.EffectiveDeviceTopics, clientId),
            CertificateKind.Integration => integration!.ReadFilters,
            _ => [],
        };
        if (record.Kind == CertificateKind.Device && options.Value.PresenceSubscribers.Contains(clientId))
        {
            deviceTopics = [.. deviceTopics, PresenceTracker.AllPresenceEvents];
        }

        var principal = new DevicePrincipal
        {
            Kind = record.Kind,
            CertificateId = certificateId,
            ClientId = clientId,
            Template = record.Template,
            ThingName = record.Kind == CertificateKind.Device ? record.ThingName : null,
            NotAfter = record.NotAfter,
            SessionId = Guid.NewGuid(),
            IpAddress = remote is IPEndPoint ip ? ip.Address.IsIPv4MappedToIPv6 ? ip.Address.MapToIPv4().ToString() : ip.Address.ToString() : null,
            ConnectedAt = now,
            DeviceTopics = deviceTopics,
            IntegrationScope = integration?.Scope,
            ProtocolVersion = connection.ProtocolVersion,
        };
        Log.Accepted(logger, clientId, record.Kind, certificateId, remote?.ToString() ?? "?");
        return principal;
    }

    private DevicePrincipal? Refuse(ValidatingConnectionEventArgs connection, MqttConnectReasonCode code, (string Reason, string Message) refusal, string? certificateId)
    {
        connection.ReasonCode = code;
        connection.ReasonString = refusal.Message;
        metrics.Refused(refusal.Reason);
        Log.Refused(logger, connection.ClientId ?? "", certificateId ?? "-", connection.RemoteEndPoint?.ToString() ?? "?", refusal.Message);
        return null;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 501, Level = LogLevel.Debug, Message = "MQTT client {ClientId} connected with {Kind} certificate {CertificateId} from {Remote}")]
        public static partial void Accepted(ILogger logger, string clientId, CertificateKind kind, string certificateId, string remote);

        [LoggerMessage(EventId = 502, Level = LogLevel.Warning, Message = "MQTT connection of client {ClientId} (certificate {CertificateId}) from {Remote} refused: {Reason}")]
        public static partial void Refused(ILogger logger, string clientId, string certificateId, string remote, string reason);
    }
}
