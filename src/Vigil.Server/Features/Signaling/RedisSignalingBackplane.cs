using System.Globalization;
using System.Text;
using StackExchange.Redis;
using Vigil.Server.Features.Cluster;

namespace Vigil.Server.Features.Signaling;

/// <summary>
/// Signaling across nodes through Redis (<c>Cluster:Redis</c>). Each node keeps its own clients in its
/// <see cref="SignalingHub"/>; Redis holds, per channel, a directory hash <c>vigil:sig:&lt;arn&gt;</c> (field
/// <c>:master</c> or the viewer's client id → <c>node|connection</c>, or <c>r|node|until</c> for a viewer whose
/// handshake is in progress) and, per recipient not connected anywhere, a list of waiting messages. Every
/// decision that reads and writes these runs as one Lua script, so Redis executes it atomically:
/// <list type="bullet">
/// <item>route: recipient connected on a live node → PUBLISH to that node's inbox, else queue (a newer offer or
/// answer from the same sender replaces the queued one, 100 per recipient, each with its channel's MessageTtlSeconds);</item>
/// <item>attach: record the connection, tell the node of the connection it replaces to close it (one master
/// cluster-wide, the latest wins), and take the waiting messages — in the same step, so a message is either
/// queued before (and taken) or routed after (and published): never lost between the two;</item>
/// <item>admit: count the channel's viewers on live nodes (entries of dead nodes and stale reservations are
/// dropped), refuse at Signaling:MaxViewersPerChannel, else reserve.</item>
/// </list>
/// Order: one node sends a sender's messages to Redis in order on one connection, Redis publishes them in
/// that order, and the receiving node reads its inbox with one ordered queue: per-channel order is kept.
/// A node is live while its key <c>vigil:node:&lt;id&gt;</c> exists (refreshed every 5 s, expires after 15 s).
/// The keys assume one Redis primary (or Sentinel), not Redis Cluster sharding: scripts touch node keys they
/// were not given.
/// </summary>
internal sealed partial class RedisSignalingBackplane(
    ClusterRedis redis,
    ClusterScope scope,
    IServiceProvider services,
    TimeProvider time,
    ILogger<RedisSignalingBackplane> logger) : ISignalingBackplane, IAsyncDisposable
{
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan NodeExpiry = TimeSpan.FromSeconds(15);

    /// <summary>How long a viewer's place stays reserved for a handshake that neither completes nor fails (a killed node).</summary>
    private static readonly TimeSpan ReservationLifetime = TimeSpan.FromSeconds(30);

    private string BroadcastChannel => scope.BroadcastChannel;

    private const string RouteScript = """
        -- KEYS: directory, queue. ARGV: recipient, inbox message, queue entry, ttl ms, sender, action, max queued, node to skip
        local v = redis.call('HGET', KEYS[1], ARGV[1])
        if v then
          local node = string.match(v, '^([^|]+)|[^|]+$')
          if node and node ~= ARGV[8] and redis.call('EXISTS', 'vigil:node:' .. node) == 1 then
            redis.call('PUBLISH', 'vigil:node:' .. node .. ':inbox', ARGV[2])
            return 1
          end
        end
        if ARGV[6] ~= 'IceCandidate' then
          local prefix = ARGV[5] .. '|' .. ARGV[6] .. '|'
          local items = redis.call('LRANGE', KEYS[2], 0, -1)
          for i, item in ipairs(items) do
            if string.sub(item, 1, #prefix) == prefix then
              redis.call('LSET', KEYS[2], i - 1, ARGV[3])
              redis.call('PEXPIRE', KEYS[2], ARGV[4], 'GT')
              return 0
            end
          end
        end
        redis.call('RPUSH', KEYS[2], ARGV[3])
        if redis.call('LLEN', KEYS[2]) > tonumber(ARGV[7]) then
          redis.call('LPOP', KEYS[2])
        end
        if redis.call('PTTL', KEYS[2]) < tonumber(ARGV[4]) then
          redis.call('PEXPIRE', KEYS[2], ARGV[4])
        end
        return 0
        """;

    private const string AttachScript = """
        -- KEYS: directory, queue. ARGV: recipient key, node|connection, node, channel arn
        local old = redis.call('HGET', KEYS[1], ARGV[1])
        redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
        if old and old ~= ARGV[2] then
          local node, conn = string.match(old, '^([^|]+)|([^|]+)$')
          if node and node ~= ARGV[3] then
            redis.call('PUBLISH', 'vigil:node:' .. node .. ':inbox', 'C|' .. ARGV[4] .. '|' .. ARGV[1] .. '|' .. conn .. '\n')
          end
        end
        local waiting = redis.call('LRANGE', KEYS[2], 0, -1)
        redis.call('DEL', KEYS[2])
        return waiting
        """;

    private const string DetachScript = """
        -- KEYS: directory. ARGV: recipient key, node|connection
        if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then
          redis.call('HDEL', KEYS[1], ARGV[1])
        end
        return 0
        """;

    private const string AdmitScript = """
        -- KEYS: directory. ARGV: client id, max viewers, node, now ms, reserved until ms
        local all = redis.call('HGETALL', KEYS[1])
        local count = 0
        local present = false
        for i = 1, #all, 2 do
          local field, value = all[i], all[i + 1]
          local alive = false
          local node = string.match(value, '^([^|]+)|[^|]+$')
          if node then
            alive = redis.call('EXISTS', 'vigil:node:' .. node) == 1
          else
            local rnode, expires = string.match(value, '^r|([^|]+)|(%d+)$')
            alive = rnode ~= nil and tonumber(expires) > tonumber(ARGV[4]) and redis.call('EXISTS', 'vigil:node:' .. rnode) == 1
          end
          if not alive then
            redis.call('HDEL', KEYS[1], field)
          elseif field == ARGV[1] then
            present = true
          elseif field ~= ':master' then
            count = count + 1
          end
        end
        if present then return 1 end
        if count >= tonumber(ARGV[2]) then return 0 end
        redis.call('HSET', KEYS[1], ARGV[1], 'r|' .. ARGV[3] .. '|' .. ARGV[5])
        return 1
        """;

    private const string ReleaseScript = """
        -- KEYS: directory. ARGV: client id, reservation prefix of this node
        local v = redis.call('HGET', KEYS[1], ARGV[1])
        if v and string.sub(v, 1, #ARGV[2]) == ARGV[2] then
          redis.call('HDEL', KEYS[1], ARGV[1])
        end
        return 0
        """;

    private readonly CancellationTokenSource _stopping = new();
    private SignalingHub? _hub;
    private ChannelMessageQueue? _inbox;
    private ChannelMessageQueue? _broadcast;
    private Task? _heartbeat;
    private int _disposed;

    private string NodeId => redis.NodeId;

    private SignalingHub Hub => _hub ??= services.GetRequiredService<SignalingHub>();

    private RevocationNotice Revocations => services.GetRequiredService<RevocationNotice>();

    private string InboxChannel => $"vigil:node:{NodeId}:inbox";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await redis.ConnectAsync(cancellationToken);
        _hub = services.GetRequiredService<SignalingHub>();
        await redis.Database.StringSetAsync(NodeKey(NodeId), "1", NodeExpiry);
        var subscriber = redis.Connection.GetSubscriber();
        _inbox = await subscriber.SubscribeAsync(RedisChannel.Literal(InboxChannel));
        _inbox.OnMessage(m => Receive(m.Message));
        _broadcast = await subscriber.SubscribeAsync(RedisChannel.Literal(BroadcastChannel));
        _broadcast.OnMessage(m => Receive(m.Message));
        _heartbeat = HeartbeatAsync(_stopping.Token);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        if (_heartbeat is not null)
        {
            await _heartbeat.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        if (_inbox is not null)
        {
            await _inbox.UnsubscribeAsync();
        }

        if (_broadcast is not null)
        {
            await _broadcast.UnsubscribeAsync();
        }

        try
        {
            // The clients of this node are gone (the hub closed them): its entries stop counting at once.
            await redis.Database.KeyDeleteAsync(NodeKey(NodeId));
        }
        catch (RedisException e)
        {
            Log.CommandFailed(logger, "node shutdown", e.Message);
        }
    }

    public async ValueTask<bool> AdmitViewerAsync(string arn, string clientId, int maxViewers, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var result = await redis.Database.ScriptEvaluateAsync(
            AdmitScript,
            [DirectoryKey(arn)],
            [clientId, maxViewers, NodeId, now, now + (long)ReservationLifetime.TotalMilliseconds]).WaitAsync(cancellationToken);
        return (int)result == 1;
    }

    public void Release(string arn, string? clientId)
    {
        if (clientId is not null)
        {
            Observe(redis.Database.ScriptEvaluateAsync(ReleaseScript, [DirectoryKey(arn)], [clientId, $"r|{NodeId}|"]), "release");
        }
    }

    public async ValueTask AttachedAsync(ChannelSession session, SignalingConnection connection, CancellationToken cancellationToken)
    {
        var key = connection.ClientId ?? ChannelSession.MasterKey;
        var waiting = (RedisResult[]?)await redis.Database.ScriptEvaluateAsync(
            AttachScript,
            [DirectoryKey(session.Arn), QueueKey(session.Arn, key)],
            [key, $"{NodeId}|{connection.Id}", NodeId, session.Arn]).WaitAsync(cancellationToken);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var entry in waiting ?? [])
        {
            if (QueueEntry.TryRead((byte[]?)entry, out var expiresAt, out var frame) && expiresAt > now)
            {
                connection.TrySend(frame);
            }
        }
    }

    public void Detached(ChannelSession session, SignalingConnection connection) =>
        Observe(
            redis.Database.ScriptEvaluateAsync(DetachScript, [DirectoryKey(session.Arn)], [connection.ClientId ?? ChannelSession.MasterKey, $"{NodeId}|{connection.Id}"]),
            "detach");

    public void Route(ChannelSession session, SignalingConnection sender, ClientMessage message)
    {
        var recipient = ChannelSession.RecipientKey(sender, message);
        var frame = ServerMessages.Relay(message.Action, message.Payload, sender.ClientId);
        if (session.TryDeliver(recipient, frame))
        {
            return;
        }

        RouteRemote(session.Arn, recipient, sender.ClientId ?? ChannelSession.MasterKey, message.Action, session.MessageTtlSeconds, frame, skipNode: "");
    }

    public void ChannelChanged(string arn, int? messageTtlSeconds) =>
        Observe(
            redis.Connection.GetSubscriber().PublishAsync(
                RedisChannel.Literal(BroadcastChannel),
                messageTtlSeconds is { } ttl ? $"T|{arn}|{ttl.ToString(CultureInfo.InvariantCulture)}|{NodeId}\n" : $"X|{arn}|{NodeId}\n"),
            "channel change");

    public async ValueTask DisposeAsync()
    {
        // Registered as itself and as ISignalingBackplane: the container disposes it twice.
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await _stopping.CancelAsync();
            _stopping.Dispose();
        }
    }

    /// <summary>
    /// Issued at once (StackExchange.Redis writes commands in the order they are issued), awaited elsewhere:
    /// a sender's messages leave this node in the order the sender wrote them.
    /// </summary>
    private void RouteRemote(string arn, string recipient, string sender, SignalingAction action, int ttlSeconds, byte[] frame, string skipNode)
    {
        var ttlMs = Math.Max(1, ttlSeconds) * 1000L;
        var header = $"D|{arn}|{recipient}|{sender}|{action}|{ttlSeconds.ToString(CultureInfo.InvariantCulture)}\n";
        var expiresAt = time.GetUtcNow().ToUnixTimeMilliseconds() + ttlMs;
        Observe(
            redis.Database.ScriptEvaluateAsync(
                RouteScript,
                [DirectoryKey(arn), QueueKey(arn, recipient)],
                [recipient, Concat(header, frame), QueueEntry.Write(sender, action, expiresAt, frame), ttlMs, sender, action.ToString(), ChannelSession.MaxPendingPerRecipient, skipNode]),
            "route");
    }

    private void Receive(RedisValue value)
    {
        byte[] message = value!;
        var newline = Array.IndexOf(message, (byte)'\n');
        if (newline < 0)
        {
            return;
        }

        var fields = Encoding.ASCII.GetString(message, 0, newline).Split('|');
        switch (fields)
        {
            case ["D", var arn, var recipient, var sender, var action, var ttl]:
                var frame = message.AsSpan(newline + 1).ToArray();
                if (!Hub.DeliverFromPeer(arn, recipient, frame))
                {
                    // The recipient left this node after the directory was read: keep the message for it
                    // (or send it where it connected meanwhile), never back here.
                    RouteRemote(arn, recipient, sender, Enum.Parse<SignalingAction>(action), int.Parse(ttl, CultureInfo.InvariantCulture), frame, skipNode: NodeId);
                }

                break;
            case ["C", var arn, var key, var connection]:
                Hub.CloseReplaced(arn, key, connection);
                break;
            case ["T", var arn, var ttl, var origin] when origin != NodeId:
                Hub.ApplyChannelChange(arn, int.Parse(ttl, CultureInfo.InvariantCulture));
                break;
            case ["X", var arn, var origin] when origin != NodeId:
                Hub.ApplyChannelChange(arn, null);
                break;
            case ["A", var origin] when origin != NodeId:
                // Access was taken away on another node or by a command (the origin re-checked itself already).
                Revocations.RecheckHere();
                break;
        }
    }

    private async Task HeartbeatAsync(CancellationToken cancellationToken)
    {
        // Real time, not the injected clock: the key it refreshes expires on Redis's clock.
        using var timer = new PeriodicTimer(HeartbeatInterval, TimeProvider.System);
        while (await NextTickAsync(timer, cancellationToken))
        {
            try
            {
                if (await redis.Database.StringSetAsync(NodeKey(NodeId), "1", NodeExpiry, When.NotExists))
                {
                    // The key had expired (Redis unreachable for longer than NodeExpiry, or restarted): other nodes
                    // may have dropped this node's entries, so they are written again.
                    Log.Reregistering(logger, NodeId);
                    await ReregisterAsync();
                }
                else
                {
                    await redis.Database.KeyExpireAsync(NodeKey(NodeId), NodeExpiry);
                }
            }
            catch (RedisException e)
            {
                Log.CommandFailed(logger, "heartbeat", e.Message);
            }
        }
    }

    private static async Task<bool> NextTickAsync(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task ReregisterAsync()
    {
        foreach (var (arn, key, connectionId) in Hub.LocalConnections())
        {
            await redis.Database.HashSetAsync(DirectoryKey(arn), key, $"{NodeId}|{connectionId}");
        }
    }

    private void Observe(Task task, string what) =>
        task.ContinueWith(
            t => Log.CommandFailed(logger, what, t.Exception!.GetBaseException().Message),
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);

    private static byte[] Concat(string header, byte[] frame)
    {
        var bytes = new byte[Encoding.ASCII.GetByteCount(header) + frame.Length];
        var at = Encoding.ASCII.GetBytes(header, bytes);
        frame.CopyTo(bytes, at);
        return bytes;
    }

    private static RedisKey DirectoryKey(string arn) => $"vigil:sig:{arn}";

    private static RedisKey QueueKey(string arn, string recipient) => $"vigil:sig:{arn}:q:{recipient}";

    private static RedisKey NodeKey(string node) => $"vigil:node:{node}";

    /// <summary>A waiting message in Redis: <c>sender|action|expires-unix-ms|</c> then the frame.</summary>
    internal static class QueueEntry
    {
        public static byte[] Write(string sender, SignalingAction action, long expiresAt, byte[] frame) =>
            Concat($"{sender}|{action}|{expiresAt.ToString(CultureInfo.InvariantCulture)}|", frame);

        public static bool TryRead(byte[]? entry, out long expiresAt, out byte[] frame)
        {
            expiresAt = 0;
            frame = [];
            if (entry is null)
            {
                return false;
            }

            var at = 0;
            for (var field = 0; field < 3; field++)
            {
                var bar = Array.IndexOf(entry, (byte)'|', at);
                if (bar < 0)
                {
                    return false;
                }

                if (field == 2 && !long.TryParse(entry.AsSpan(at, bar - at), NumberStyles.None, CultureInfo.InvariantCulture, out expiresAt))
                {
                    return false;
                }

                at = bar + 1;
            }

            frame = entry.AsSpan(at).ToArray();
            return true;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4140, Level = LogLevel.Warning, Message = "Signaling backplane: Redis {Operation} failed: {Reason}")]
        public static partial void CommandFailed(ILogger logger, string operation, string reason);

        [LoggerMessage(EventId = 4141, Level = LogLevel.Warning, Message = "Signaling backplane: node {NodeId} had expired in Redis; its connections are registered again")]
        public static partial void Reregistering(ILogger logger, string nodeId);
    }
}
