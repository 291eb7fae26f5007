using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Vigil.Contracts.FleetProvisioning;
using Vigil.Server.Features.Devices;
using Vigil.Server.Features.Pki;

namespace Vigil.Server.Features.Provisioning;

/// <summary>
/// Presence (spec §6): publishes <c>$aws/events/presence/connected|disconnected/{clientId}</c> and
/// keeps each thing's <c>online</c> and <c>lastSeen</c> in storage. Changes are processed in
/// order by one loop, so a thing's disconnect never overtakes its connect. While connected,
/// <c>lastSeen</c> is refreshed every <c>Provisioning:PresenceHeartbeat</c>; a thing still marked
/// online after three missed heartbeats (its server node died) is marked offline.
/// </summary>
internal sealed partial class PresenceTracker(
    DeviceConnections connections,
    IServiceScopeFactory scopes,
    IOptions<ProvisioningOptions> options,
    TimeProvider time,
    ILogger<PresenceTracker> logger) : BackgroundService
{
    public const string AllPresenceEvents = "$aws/events/presence/#";

    private readonly Channel<PresenceChange> _changes = Channel.CreateUnbounded<PresenceChange>(new UnboundedChannelOptions { SingleReader = true });

    public void Report(PresenceChange change) => _changes.Writer.TryWrite(change);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(ProcessChangesAsync(stoppingToken), HeartbeatAsync(stoppingToken));

    private async Task ProcessChangesAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var change in _changes.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await ProcessAsync(change, stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    Log.Failed(logger, change.Principal.ClientId, e);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task ProcessAsync(PresenceChange change, CancellationToken cancellationToken)
    {
        var principal = change.Principal;
        if (principal.Kind == CertificateKind.Device && principal.ThingName is { } thing)
        {
            await using var scope = scopes.CreateAsyncScope();
            var things = scope.ServiceProvider.GetRequiredService<ThingRegistry>();
            if (change.Connected)
            {
                principal.PresenceVersion = await things.MarkConnectedAsync(thing, change.At, cancellationToken);
            }
            else
            {
                // Only the connection that set the thing online may set it offline.
                await things.MarkDisconnectedAsync(thing, principal.PresenceVersion, change.At, cancellationToken);
            }
        }

        if (!HasEventTopic(principal.ClientId))
        {
            return;
        }

        if (principal.Kind == CertificateKind.Claim)
        {
            // A claim connection's client id was no thing's name at CONNECT, but provisioning may
            // have created that thing since: its presence topics are the thing's, not the claim's.
            await using var scope = scopes.CreateAsyncScope();
            if (await scope.ServiceProvider.GetRequiredService<ThingRegistry>().FindAsync(principal.ClientId, cancellationToken) is not null)
            {
                return;
            }
        }

        var presence = new PresenceEvent
        {
            ClientId = principal.ClientId,
            Timestamp = change.At.ToUnixTimeMilliseconds(),
            EventType = change.Connected ? "connected" : "disconnected",
            SessionIdentifier = principal.SessionId.ToString(),
            PrincipalIdentifier = principal.CertificateId,
            IpAddress = change.Connected ? principal.IpAddress : null,
            ClientInitiatedDisconnect = change.Connected ? null : change.ClientInitiated,
            DisconnectReason = change.Connected ? null : change.DisconnectReason,
            VersionNumber = principal.PresenceVersion,
        };
        var topic = $"$aws/events/presence/{presence.EventType}/{principal.ClientId}";
        await connections.PublishAsync(topic, JsonSerializer.SerializeToUtf8Bytes(presence, FleetProvisioningJsonContext.Default.PresenceEvent), cancellationToken);
        Log.Presence(logger, principal.ClientId, presence.EventType, presence.DisconnectReason ?? "-");
    }

    /// <summary>AWS publishes no lifecycle events for client ids with wildcards; a '/' would change the topic's shape.</summary>
    private static bool HasEventTopic(string clientId) => clientId.AsSpan().IndexOfAny('#', '+', '/') < 0;

    private async Task HeartbeatAsync(CancellationToken stoppingToken)
    {
        var period = options.Value.PresenceHeartbeat;
        using var timer = new PeriodicTimer(period, time);
        try
        {
            do
            {
                try
                {
                    await using var scope = scopes.CreateAsyncScope();
                    var now = time.GetUtcNow();
                    var online = connections.All.Where(p => p.ThingName is not null).Select(p => p.ThingName!).ToList();
                    var cleared = await scope.ServiceProvider.GetRequiredService<ThingRegistry>().HeartbeatAsync(online, now, now - (3 * period), stoppingToken);
                    if (cleared > 0)
                    {
                        Log.StaleCleared(logger, cleared);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    Log.HeartbeatFailed(logger, e);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 530, Level = LogLevel.Debug, Message = "Presence of {ClientId}: {EventType} ({Reason})")]
        public static partial void Presence(ILogger logger, string clientId, string eventType, string reason);

        [LoggerMessage(EventId = 531, Level = LogLevel.Warning, Message = "Presence update for {ClientId} failed")]
        public static partial void Failed(ILogger logger, string clientId, Exception exception);

        [LoggerMessage(EventId = 532, Level = LogLevel.Information, Message = "{Count} thing(s) marked offline: no heartbeat from the node that held their connection")]
        public static partial void StaleCleared(ILogger logger, int count);

        [LoggerMessage(EventId = 533, Level = LogLevel.Warning, Message = "Presence heartbeat failed; retrying next period")]
        public static partial void HeartbeatFailed(ILogger logger, Exception exception);
    }
}
