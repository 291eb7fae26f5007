namespace Vigil.Server.Features.Cluster;

/// <summary>
/// A check of this node's open connections against the database (certificates of MQTT clients, callers of
/// signaling WebSockets) that runs on its own interval and also at once when <see cref="RevocationNotice"/> says
/// that access was taken away somewhere in the cluster.
/// </summary>
internal interface IRevocationListener
{
    Task RecheckNowAsync(CancellationToken cancellationToken);
}
