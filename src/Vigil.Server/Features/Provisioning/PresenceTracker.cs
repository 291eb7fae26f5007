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
/// <remarks>
/// Across nodes: a thing's presence version (increased by every connect, kept by its connection) decides, so the
/// node a device left cannot set it offline after it reconnected elsewhere. In cluster mode the
/// <see cref="IPresenceDirectory"/> records which node holds each connection, and the surviving nodes mark a dead
/// node's things offline within seconds of its liveness key expiring instead of three heartbeats later, and the node
/// whose sweep took them publishes each one's <c>disconnected</c> event (reason <c>CONNECTION_LOST</c>). Lifecycle events
/// reach the subscribers of every node (<see cref="MqttClusterRelay.PublishEverywhereAsync"/>).
/// </remarks>
internal sealed partial class PresenceTracker(
    DeviceConnections connections,
    MqttClusterRelay relay,
    IPresenceDirectory directory,
    IServiceScopeFactory scopes,
    IOptions<ProvisioningOptions> options,
    TimeProvider time,
    ILogger<PresenceTracker> logger) : BackgroundService
{
    public const string AllPresenceEvents = "$aws/events/presence/#";

    /// <summary>AWS IoT's reason for a connection that dropped without a DISCONNECT (also a dead node's connections).</summary>
    public const string ConnectionLostReason = "CONNECTION_LOST";

    private readonly Channel<PresenceChange> _changes = Channel.CreateUnbounded<PresenceChange>(new UnboundedChannelOptions { SingleReader = true });

    public void Report(PresenceChange change) => _changes.Writer.TryWrite(change);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(ProcessChangesAsync(stoppingToken), HeartbeatAsync(stoppingToken), SweepDeadNodesAsync(stoppingToken));

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
                await directory.ConnectedAsync(new PresenceEntry(thing, principal.PresenceVersion, principal.SessionId.ToString(), principal.CertificateId), cancellationToken);
            }
            else
            {
                // Only the connection that set the thing online may set it offline.
                await things.MarkDisconnectedAsync(thing, principal.PresenceVersion, change.At, cancellationToken);
                await directory.DisconnectedAsync(thing, principal.PresenceVersion, cancellationToken);
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
        await PublishAsync(presence, cancellationToken);
    }

    /// <summary>To this node's subscribers and every other node's: a device's connection and who watches it may be on different nodes.</summary>
    private async Task PublishAsync(PresenceEvent presence, CancellationToken cancellationToken)
    {
        var message = new MQTTnet.MqttApplicationMessageBuilder()
            .WithTopic($"$aws/events/presence/{presence.EventType}/{presence.ClientId}")
            .WithPayload(JsonSerializer.SerializeToUtf8Bytes(presence, FleetProvisioningJsonContext.Default.PresenceEvent))
            .WithQualityOfServiceLevel(MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        await relay.PublishEverywhereAsync(message, cancellationToken);
        Log.Presence(logger, presence.ClientId, presence.EventType, presence.DisconnectReason ?? "-");
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

    /// <summary>
    /// Cluster mode: the things of nodes that died are marked offline (unless they reconnected since: the version
    /// decides), and if this node's own entries were taken, its connections are reported again (in order with the
    /// changes, so a disconnect meanwhile is not overtaken).
    /// </summary>
    private async Task SweepDeadNodesAsync(CancellationToken stoppingToken)
    {
        if (directory.SweepInterval is not { } interval)
        {
            return;
        }

        // Real time, not the injected clock: node liveness expires on Redis's clock.
        using var timer = new PeriodicTimer(interval, TimeProvider.System);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    var (orphans, ownTaken) = await directory.SweepAsync(stoppingToken);
                    if (orphans.Count > 0)
                    {
                        await using var scope = scopes.CreateAsyncScope();
                        var things = scope.ServiceProvider.GetRequiredService<ThingRegistry>();
                        var now = time.GetUtcNow();
                        var cleared = 0;
                        foreach (var orphan in orphans)
                        {
                            if (await things.MarkDisconnectedAsync(orphan.Thing, orphan.Version, now, stoppingToken) > 0)
                            {
                                cleared++;
                                await PublishLostAsync(orphan, now, stoppingToken);
                            }
                        }

                        Log.DeadNodeCleared(logger, cleared, orphans.Count);
                    }

                    if (ownTaken)
                    {
                        var mine = connections.All.Where(p => p.Kind == CertificateKind.Device && p.ThingName is not null && !p.Revoked).ToList();
                        Log.Reclaiming(logger, mine.Count);
                        foreach (var principal in mine)
                        {
                            Report(new PresenceChange(principal, Connected: true, ClientInitiated: false, DisconnectReason: null, time.GetUtcNow()));
                        }
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    Log.SweepFailed(logger, e);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// The <c>disconnected</c> event the dead node would have published when the connection dropped (its session and
    /// certificate as it listed them), published once: only the node whose sweep took the list has the entry, and only
    /// for a thing this sweep set offline (one that reconnected elsewhere had its newer <c>connected</c> already).
    /// </summary>
    private async Task PublishLostAsync(PresenceEntry orphan, DateTimeOffset at, CancellationToken cancellationToken)
    {
        if (!HasEventTopic(orphan.Thing))
        {
            return;
        }

        await PublishAsync(
            new PresenceEvent
            {
                ClientId = orphan.Thing,
                Timestamp = at.ToUnixTimeMilliseconds(),
                EventType = "disconnected",
                SessionIdentifier = orphan.SessionId ?? "",
                PrincipalIdentifier = orphan.CertificateId ?? "",
                ClientInitiatedDisconnect = false,
                DisconnectReason = ConnectionLostReason,
                VersionNumber = orphan.Version,
            },
            cancellationToken);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 534, Level = LogLevel.Information, Message = "{Cleared} of {Count} thing(s) held by a node that died marked offline (the others reconnected elsewhere)")]
        public static partial void DeadNodeCleared(ILogger logger, int cleared, int count);

        [LoggerMessage(EventId = 536, Level = LogLevel.Warning, Message = "This node's presence entries were taken by another node (cut off from Redis too long); reporting its {Count} connection(s) again")]
        public static partial void Reclaiming(ILogger logger, int count);

        [LoggerMessage(EventId = 537, Level = LogLevel.Warning, Message = "Looking for dead nodes' things failed; retrying next period")]
        public static partial void SweepFailed(ILogger logger, Exception exception);

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
