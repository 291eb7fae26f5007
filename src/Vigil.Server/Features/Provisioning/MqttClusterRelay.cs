using System.Threading.Channels;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Protocol;
using MQTTnet.Server;
using StackExchange.Redis;
using Vigil.Server.Features.Cluster;

namespace Vigil.Server.Features.Provisioning;

/// <summary>
/// Makes the brokers of a cluster (<c>Cluster:Redis</c>) act as one, as AWS IoT Core's does: a message accepted on one
/// node (after <see cref="DevicePolicy"/> and the retained quota) is published on the cluster's MQTT channel
/// (<c>vigil:cluster:&lt;scope&gt;:mqtt</c>, <see cref="ClusterScope"/>), and every other node injects it into its own
/// broker, where each subscriber's right to receive it (<see cref="DevicePolicy.MayReceive"/>, an integration's owner
/// scope) is checked at delivery as for a local message. A client that connects is announced on the same channel, and a
/// node that holds a connection with the same client id closes it (MQTT 5 reason 0x8E, session taken over), so a
/// device that moved through the balancer is connected once.
/// </summary>
/// <remarks>
/// <para>No loop: only messages from a client of this node (and the server's own cluster-wide messages) are sent;
/// messages from other nodes are injected without a client id, which the broker's publish check passes by without
/// sending them again, and a node ignores its own frames.</para>
/// <para>At most once across nodes: Redis pub/sub keeps nothing for a node that is not subscribed at that moment (Redis
/// unreachable, the node restarting). QoS 1 still holds between a node and its subscribers.</para>
/// <para>Never blocks the publisher: frames wait in a bounded queue (<see cref="QueueCapacity"/> frames,
/// <see cref="QueueBytes"/> bytes) that one loop sends in order (StackExchange.Redis writes commands in the order they are
/// issued, so one client's messages reach the other nodes in its order); when Redis is slow or gone, what does not fit is
/// dropped and counted (<c>vigil.mqtt.cluster.frames</c>).</para>
/// One node (no <c>Cluster:Redis</c>): nothing is sent or read, Redis is never touched.
/// </remarks>
internal sealed partial class MqttClusterRelay(
    MqttServer server,
    DeviceConnections connections,
    ClusterRedis redis,
    ClusterScope scope,
    IOptions<ClusterOptions> cluster,
    IOptions<ProvisioningOptions> provisioning,
    ProvisioningMetrics metrics,
    ILogger<MqttClusterRelay> logger) : BackgroundService
{
    public const int QueueCapacity = 4096;
    public const long QueueBytes = 32L * 1024 * 1024;

    /// <summary>The lifecycle reason of a connection closed because its client id connected on another node (AWS IoT's name).</summary>
    public const string TakenOverReason = "DUPLICATE_CLIENTID";

    private readonly Channel<byte[]> _queue = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(QueueCapacity) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private long _queuedBytes;
    private ChannelMessageQueue? _subscription;

    public bool Enabled => cluster.Value.Enabled;

    /// <summary>The channel every node of this cluster reads.</summary>
    public string ChannelName => $"{scope.BroadcastChannel}:mqtt";

    private int MaxFrame => provisioning.Value.MaxPacketBytes + MqttClusterFrame.Overhead;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        if (Enabled)
        {
            await redis.ConnectAsync(cancellationToken);
            // Subscribed before the node serves (StackExchange.Redis subscribes again by itself after a reconnect).
            _subscription = await redis.Connection.GetSubscriber().SubscribeAsync(RedisChannel.Literal(ChannelName));
            _subscription.OnMessage(ReceiveAsync);
        }

        await base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_subscription is not null)
        {
            await _subscription.UnsubscribeAsync().WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
    }

    /// <summary>A message a client of this node published, accepted by the broker: for the other nodes' subscribers.</summary>
    public void Forward(MqttApplicationMessage message)
    {
        if (Enabled)
        {
            Enqueue(MqttClusterFrame.Message(redis.NodeId, message));
        }
    }

    /// <summary>A message of the server itself for every node's subscribers (lifecycle events): here, and on the others.</summary>
    public async Task PublishEverywhereAsync(MqttApplicationMessage message, CancellationToken cancellationToken)
    {
        await server.InjectApplicationMessage(new InjectedMqttApplicationMessage(message), cancellationToken);
        Forward(message);
    }

    /// <summary>A client connected here: a node that still holds a connection with its client id closes it.</summary>
    public void Connected(DevicePrincipal principal)
    {
        if (Enabled)
        {
            Enqueue(MqttClusterFrame.Connected(redis.NodeId, principal.ClientId, principal.ConnectedAt));
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Enabled)
        {
            return;
        }

        var reader = _queue.Reader;
        var batch = new List<(byte[] Frame, Task Sent)>();
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                var subscriber = redis.Connection.GetSubscriber();
                while (batch.Count < 256 && reader.TryRead(out var frame))
                {
                    batch.Add((frame, subscriber.PublishAsync(RedisChannel.Literal(ChannelName), frame)));
                }

                var failed = 0;
                string? reason = null;
                foreach (var (frame, sent) in batch)
                {
                    try
                    {
                        await sent;
                        metrics.ClusterFrame("sent");
                    }
                    catch (Exception e) when (e is RedisException or TimeoutException or ObjectDisposedException)
                    {
                        failed++;
                        reason ??= e.Message;
                        metrics.ClusterFrame("redis_failed");
                    }

                    Interlocked.Add(ref _queuedBytes, -frame.Length);
                }

                if (failed > 0)
                {
                    Log.SendFailed(logger, failed, reason!);
                }

                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private void Enqueue(byte[] frame)
    {
        if (frame.Length > MaxFrame)
        {
            metrics.ClusterFrame("too_large");
            return;
        }

        if (Interlocked.Add(ref _queuedBytes, frame.Length) > QueueBytes || !_queue.Writer.TryWrite(frame))
        {
            Interlocked.Add(ref _queuedBytes, -frame.Length);
            metrics.ClusterFrame("queue_full");
        }
    }

    /// <summary>One frame at a time, in the order Redis delivered them (StackExchange.Redis runs these handlers in order).</summary>
    private async Task ReceiveAsync(ChannelMessage received)
    {
        byte[]? frame = received.Message;
        if (frame is null || frame.Length > MaxFrame || !MqttClusterFrame.TryReadHeader(frame, out var kind, out var origin, out var at))
        {
            metrics.ClusterFrame("unreadable");
            return;
        }

        if (origin == redis.NodeId)
        {
            return; // this node's own frame, delivered here already
        }

        try
        {
            switch (kind)
            {
                case MqttClusterFrameKind.Message when MqttClusterFrame.TryReadMessage(frame, at, out var message):
                    // No client id: the broker's publish check lets it through without forwarding it again.
                    await server.InjectApplicationMessage(new InjectedMqttApplicationMessage(message));
                    metrics.ClusterFrame("received");
                    break;
                case MqttClusterFrameKind.Connected when MqttClusterFrame.TryReadConnected(frame, at, out var clientId, out var connectedAt):
                    metrics.ClusterFrame("received");
                    // Only a connection older than the one on the other node: a device that came back here since stays.
                    if (connections.Get(clientId) is { } local && local.ConnectedAt <= connectedAt)
                    {
                        Log.TakenOver(logger, clientId, origin);
                        await connections.DisconnectAsync(local, TakenOverReason, MqttDisconnectReasonCode.SessionTakenOver);
                    }

                    break;
                default:
                    metrics.ClusterFrame("unreadable");
                    break;
            }
        }
        catch (Exception e)
        {
            // The broker not running (starting or stopping), or a client gone meanwhile: the next frame is read as usual.
            metrics.ClusterFrame("not_delivered");
            Log.NotDelivered(logger, origin, e.Message);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 550, Level = LogLevel.Warning, Message = "Cluster MQTT: {Count} message(s) not sent to the other nodes (Redis: {Reason}); their subscribers miss them")]
        public static partial void SendFailed(ILogger logger, int count, string reason);

        [LoggerMessage(EventId = 551, Level = LogLevel.Information, Message = "Cluster MQTT: client {ClientId} connected on node {Node}; its connection here is closed (session taken over)")]
        public static partial void TakenOver(ILogger logger, string clientId, string node);

        [LoggerMessage(EventId = 552, Level = LogLevel.Debug, Message = "Cluster MQTT: a frame from node {Node} was not delivered here: {Reason}")]
        public static partial void NotDelivered(ILogger logger, string node, string reason);
    }
}
