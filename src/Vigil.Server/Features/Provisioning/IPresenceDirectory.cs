namespace Vigil.Server.Features.Provisioning;

/// <summary>
/// Which node holds each thing's MQTT connection, at which presence version, so that the nodes that survive a dead
/// one mark its things offline. One node: <see cref="LocalPresenceDirectory"/> (nothing to record; a node that
/// stopped beating is found by the database heartbeat). Cluster: <see cref="RedisPresenceDirectory"/>.
/// </summary>
internal interface IPresenceDirectory
{
    /// <summary>How often to look for dead nodes' things; null when there are no other nodes.</summary>
    TimeSpan? SweepInterval { get; }

    /// <summary>This node holds the thing's connection that set <see cref="PresenceEntry.Version"/>.</summary>
    Task ConnectedAsync(PresenceEntry entry, CancellationToken cancellationToken);

    /// <summary>That connection ended (a newer one, on any node, has another version and is not touched).</summary>
    Task DisconnectedAsync(string thing, long version, CancellationToken cancellationToken);

    /// <summary>
    /// The things (with their versions and sessions) whose connections were held by nodes that died, each handed to one caller
    /// only; and whether this node's own entries were taken so (it was cut off for longer than a node's liveness).
    /// </summary>
    Task<(IReadOnlyList<PresenceEntry> Orphans, bool OwnTaken)> SweepAsync(CancellationToken cancellationToken);
}
