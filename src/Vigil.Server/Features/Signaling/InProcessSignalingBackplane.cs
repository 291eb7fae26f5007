namespace Vigil.Server.Features.Signaling;

/// <summary>One node, no backplane: every client of a channel is connected here, so the session routes, counts and queues.</summary>
internal sealed class InProcessSignalingBackplane : ISignalingBackplane
{
    public ValueTask<bool> AdmitViewerAsync(string arn, string clientId, int maxViewers, CancellationToken cancellationToken) => ValueTask.FromResult(true);

    public void Release(string arn, string? clientId)
    {
    }

    public ValueTask AttachedAsync(ChannelSession session, SignalingConnection connection, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public void Detached(ChannelSession session, SignalingConnection connection)
    {
    }

    public void Route(ChannelSession session, SignalingConnection sender, ClientMessage message) => session.Route(sender, message);

    public void ChannelChanged(string arn, int? messageTtlSeconds)
    {
    }
}
