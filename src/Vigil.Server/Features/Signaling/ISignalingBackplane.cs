namespace Vigil.Server.Features.Signaling;

/// <summary>
/// How the hub reaches the clients of a channel that are not connected to this node. One node (the default):
/// <see cref="InProcessSignalingBackplane"/>, where the <see cref="ChannelSession"/> does everything. Several
/// nodes (<c>Cluster:Redis</c>): <see cref="RedisSignalingBackplane"/> keeps a cluster-wide directory of who is
/// connected where, the viewer count, and the messages waiting for a client not connected anywhere.
/// </summary>
internal interface ISignalingBackplane
{
    /// <summary>
    /// The cluster-wide part of a viewer's admission (the node's own checks passed): false when the channel
    /// already has its maximum of viewers across all nodes. Reserves the viewer's place until attached or released.
    /// </summary>
    ValueTask<bool> AdmitViewerAsync(string arn, string clientId, int maxViewers, CancellationToken cancellationToken);

    /// <summary>Gives back a place reserved by <see cref="AdmitViewerAsync"/> whose handshake did not complete.</summary>
    void Release(string arn, string? clientId);

    /// <summary>
    /// A connection was attached to this node's session: record it cluster-wide (replacing, and closing, an
    /// older connection with the same role and id on any node) and hand it the messages that waited for it.
    /// </summary>
    ValueTask AttachedAsync(ChannelSession session, SignalingConnection connection, CancellationToken cancellationToken);

    void Detached(ChannelSession session, SignalingConnection connection);

    /// <summary>Routes a client's message to its recipient wherever it is connected, or keeps it for MessageTtlSeconds.</summary>
    void Route(ChannelSession session, SignalingConnection sender, ClientMessage message);

    /// <summary>A channel was deleted (null) or its MessageTtlSeconds changed: other nodes are told.</summary>
    void ChannelChanged(string arn, int? messageTtlSeconds);
}
