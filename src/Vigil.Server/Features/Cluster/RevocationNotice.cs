using System.Threading.Channels;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Vigil.Server.Hosting;

namespace Vigil.Server.Features.Cluster;

/// <summary>
/// Says that access was taken away (a thing or its certificate revoked, an integration revoked, an access key
/// revoked, an account disabled, a camera unbound), after the change is committed, so that every node re-checks its
/// open MQTT and signaling connections now rather than at its next interval. On one node the re-check runs in this
/// process; in cluster mode the notice also goes out on the backplane's broadcast channel (<see cref="ClusterScope.BroadcastChannel"/>), which
/// every node reads (<see cref="Signaling.RedisSignalingBackplane"/>), and a CLI command, which is another process,
/// connects to Redis to send it.
/// </summary>
/// <remarks>
/// A notice is a hint, not the guarantee: the periodic checks (<c>Provisioning:CertificateRecheckInterval</c>,
/// <c>Signaling:AccessReviewInterval</c>) read the same database and still close what a lost notice (Redis down,
/// a node restarting) would have closed. Notices carry nothing but their origin, so nothing about who lost access
/// passes through Redis; notices that arrive while a re-check waits are merged into it.
/// </remarks>
internal sealed partial class RevocationNotice(IOptions<ClusterOptions> options, ClusterRedis redis, ClusterScope scope, ILogger<RevocationNotice> logger)
{
    private readonly Channel<bool> _requests = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    /// <summary>Re-check requests for this node's <see cref="RevocationRecheck"/> (nothing reads them in a CLI command).</summary>
    public ChannelReader<bool> Requests => _requests.Reader;

    /// <summary>The broadcast message of a notice from <paramref name="node"/>.</summary>
    public static string Message(string node) => $"A|{node}\n";

    /// <summary>Tells this node and, in cluster mode, every other node. Never fails the revocation it follows.</summary>
    public async Task AnnounceAsync(CancellationToken cancellationToken)
    {
        RecheckHere();
        if (!options.Value.Enabled)
        {
            return;
        }

        try
        {
            await redis.ConnectAsync(cancellationToken);
            await redis.Connection.GetSubscriber().PublishAsync(RedisChannel.Literal(scope.BroadcastChannel), Message(redis.NodeId));
        }
        catch (Exception e) when (e is RedisException or StartupException or InvalidOperationException or OperationCanceledException or ObjectDisposedException)
        {
            Log.NotSent(logger, e.Message);
        }
    }

    /// <summary>A notice for this node: from this process, or received from another node.</summary>
    public void RecheckHere() => _requests.Writer.TryWrite(true);

    private static partial class Log
    {
        [LoggerMessage(EventId = 9540, Level = LogLevel.Warning, Message = "Cluster: the revocation notice was not sent ({Reason}); other nodes close the connections concerned at their next periodic check")]
        public static partial void NotSent(ILogger logger, string reason);
    }
}
