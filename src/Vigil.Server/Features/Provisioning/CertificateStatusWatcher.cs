using Microsoft.Extensions.Options;
using MQTTnet.Protocol;
using Vigil.Server.Features.Cluster;
using Vigil.Server.Features.Devices;
using Vigil.Server.Features.Pki;

namespace Vigil.Server.Features.Provisioning;

/// <summary>
/// Keeps live MQTT connections honest after connect. Every <c>Provisioning:CertificateRecheckInterval</c>
/// it reads the certificates whose status changed since its last look (so a <c>vigil things revoke</c>
/// run by another process, or another node, takes effect here within that interval) and drops
/// connections whose certificate is no longer ACTIVE or has expired. Once a minute it also discards
/// device certificates left PENDING_ACTIVATION for longer than an ownership token lives (spec §4.3).
/// A thing revoked (its device certificate now REVOKED) also loses its retained messages here
/// (<see cref="RetainedMessageStore.ForgetThingAsync"/>), so the read runs even with no connection open.
/// A <see cref="RevocationNotice"/> (a revocation on any node or by a command) makes it look at once.
/// </summary>
internal sealed partial class CertificateStatusWatcher(
    DeviceConnections connections,
    RetainedMessageStore retained,
    IServiceScopeFactory scopes,
    IOptions<ProvisioningOptions> options,
    TimeProvider time,
    ILogger<CertificateStatusWatcher> logger) : BackgroundService, IRevocationListener
{
    // Status changes are stamped by the process that made them; the overlap covers clock
    // differences between nodes and a change committed while the previous query ran.
    private static readonly TimeSpan Overlap = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan SweepPeriod = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan NoticeWindow = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var watermark = time.GetUtcNow();
        var nextSweep = watermark;
        using var timer = new PeriodicTimer(options.Value.CertificateRecheckInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    var now = time.GetUtcNow();
                    await RecheckAsync(watermark - Overlap, now, stoppingToken);
                    watermark = now;
                    if (now >= nextSweep)
                    {
                        await SweepPendingAsync(now, stoppingToken);
                        nextSweep = now + SweepPeriod;
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    Log.Failed(logger, e);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// A revocation was just committed: the certificates changed in the last <see cref="NoticeWindow"/> are read
    /// (more than the clocks of two nodes differ by, and than a notice takes to arrive).
    /// </summary>
    public Task RecheckNowAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        return RecheckAsync(now - NoticeWindow, now, cancellationToken);
    }

    /// <summary>One round of checks; also called directly by tests and after a local revoke.</summary>
    public async Task RecheckAsync(DateTimeOffset since, DateTimeOffset now, CancellationToken cancellationToken)
    {
        List<CertificateRecord> changed;
        await using (var scope = scopes.CreateAsyncScope())
        {
            changed = await scope.ServiceProvider.GetRequiredService<CertificateRegistry>().ChangedSinceAsync(since, cancellationToken);

            // Only ThingRegistry.RevokeAsync revokes device certificates (a re-provisioned thing's old one becomes
            // INACTIVE); a thing provisioned again since (Provisioning:AllowReprovision) keeps its new messages.
            var things = scope.ServiceProvider.GetRequiredService<ThingRegistry>();
            foreach (var name in changed.Where(c => c is { Kind: CertificateKind.Device, Status: CertificateStatus.Revoked, ThingName: not null }).Select(c => c.ThingName!).Distinct(StringComparer.Ordinal))
            {
                if (await things.FindAsync(name, cancellationToken) is { RevokedAt: not null })
                {
                    await retained.ForgetThingAsync(name, cancellationToken);
                }
            }
        }

        var unusable = changed.Where(c => c.Status != CertificateStatus.Active).ToDictionary(c => c.Id, c => c.Status, StringComparer.Ordinal);
        foreach (var principal in connections.All)
        {
            if (principal.Revoked)
            {
                continue;
            }

            if (unusable.TryGetValue(principal.CertificateId, out var status))
            {
                Log.Dropping(logger, principal.ClientId, principal.CertificateId, $"its certificate is now {status}");
                await connections.DisconnectAsync(principal, "AUTH_ERROR", MqttDisconnectReasonCode.NotAuthorized);
            }
            else if (now > principal.NotAfter)
            {
                Log.Dropping(logger, principal.ClientId, principal.CertificateId, "its certificate expired");
                await connections.DisconnectAsync(principal, "AUTH_ERROR", MqttDisconnectReasonCode.NotAuthorized);
            }
        }
    }

    private async Task SweepPendingAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var discarded = await scope.ServiceProvider.GetRequiredService<CertificateRegistry>().DeletePendingAsync(now - OwnershipTokens.Lifetime, cancellationToken);
        if (discarded > 0)
        {
            Log.Discarded(logger, discarded);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 540, Level = LogLevel.Warning, Message = "Dropping MQTT client {ClientId} (certificate {CertificateId}): {Reason}")]
        public static partial void Dropping(ILogger logger, string clientId, string certificateId, string reason);

        [LoggerMessage(EventId = 541, Level = LogLevel.Information, Message = "Discarded {Count} device certificate(s) never registered within an hour")]
        public static partial void Discarded(ILogger logger, int count);

        [LoggerMessage(EventId = 542, Level = LogLevel.Warning, Message = "Certificate status check failed; retrying next interval")]
        public static partial void Failed(ILogger logger, Exception exception);
    }
}
