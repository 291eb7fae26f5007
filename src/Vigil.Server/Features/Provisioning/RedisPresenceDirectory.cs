using System.Globalization;
using StackExchange.Redis;
using Vigil.Server.Features.Cluster;

namespace Vigil.Server.Features.Provisioning;

/// <summary>
/// Presence across nodes (<c>Cluster:Redis</c>): each node keeps a hash <c>vigil:presence:&lt;scope&gt;:&lt;node&gt;</c> of the
/// things whose connections it holds (thing → presence version) and is listed in the set
/// <c>vigil:presence:&lt;scope&gt;:nodes</c> (<see cref="ClusterScope"/>: a cluster never takes another's lists). An entry's value is
/// <c>version|session|certificate</c> (a bare version from an earlier node is read too), so that the node that takes a dead
/// node's list can publish each thing's <c>disconnected</c> lifecycle event as that node would have. A node is
/// alive while its key <c>vigil:node:&lt;id&gt;</c> exists (kept by the signaling backplane: refreshed every 5 s, gone
/// 15 s after the node dies). Every <see cref="SweepInterval"/> each node runs one script that takes the hashes of
/// listed nodes without that key (atomically: one node takes each), and marks those things offline with the versions
/// it took, so a thing that reconnected elsewhere meanwhile (a newer version) stays online. A node whose hash was
/// taken while it lived (cut off from Redis for longer than its liveness) finds a marker and reports its
/// connections again.
/// </summary>
/// <remarks>
/// Redis failures are logged and skipped: presence in the database is still written, the database heartbeat
/// (three missed <c>Provisioning:PresenceHeartbeat</c>) still finds a dead node's things, only later.
/// </remarks>
internal sealed partial class RedisPresenceDirectory(ClusterRedis redis, ClusterScope scope, ILogger<RedisPresenceDirectory> logger) : IPresenceDirectory
{

    private const string ConnectedScript = """
        -- KEYS: this node's hash, the node set. ARGV: thing, version|session|certificate, node
        redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
        redis.call('SADD', KEYS[2], ARGV[3])
        return 0
        """;

    private const string DisconnectedScript = """
        -- KEYS: this node's hash. ARGV: thing, version
        local v = redis.call('HGET', KEYS[1], ARGV[1])
        if v and (v == ARGV[2] or string.sub(v, 1, #ARGV[2] + 1) == ARGV[2] .. '|') then
          redis.call('HDEL', KEYS[1], ARGV[1])
        end
        return 0
        """;

    private const string SweepScript = """
        -- KEYS: the node set, this node's taken marker. ARGV: this node, marker lifetime s, key prefix (vigil:presence:<scope>:)
        local taken = {}
        for _, node in ipairs(redis.call('SMEMBERS', KEYS[1])) do
          if node ~= ARGV[1] and redis.call('EXISTS', 'vigil:node:' .. node) == 0 then
            local entries = redis.call('HGETALL', ARGV[3] .. node)
            for i = 1, #entries do taken[#taken + 1] = entries[i] end
            redis.call('DEL', ARGV[3] .. node)
            redis.call('SREM', KEYS[1], node)
            redis.call('SET', ARGV[3] .. node .. ':taken', '1', 'EX', ARGV[2])
          end
        end
        local own = redis.call('GETDEL', KEYS[2])
        taken[#taken + 1] = own and '1' or '0'
        return taken
        """;

    /// <summary>How long a taken node's marker waits for it: far longer than any Redis outage a node lives through.</summary>
    private static readonly TimeSpan MarkerLifetime = TimeSpan.FromHours(1);

    /// <summary>The signaling backplane's heartbeat: a dead node is found within its 15 s expiry plus this.</summary>
    public TimeSpan? SweepInterval { get; } = TimeSpan.FromSeconds(5);

    private string Prefix => $"vigil:presence:{scope.Value}:";

    private RedisKey NodesKey => Prefix + "nodes";

    private RedisKey OwnKey => Prefix + redis.NodeId;

    public async Task ConnectedAsync(PresenceEntry entry, CancellationToken cancellationToken)
    {
        var value = string.Create(CultureInfo.InvariantCulture, $"{entry.Version}|{entry.SessionId}|{entry.CertificateId}");
        try
        {
            await redis.Database.ScriptEvaluateAsync(ConnectedScript, [OwnKey, NodesKey], [entry.Thing, value, redis.NodeId]).WaitAsync(cancellationToken);
        }
        catch (RedisException e)
        {
            Log.Failed(logger, "connect", e.Message);
        }
    }

    public async Task DisconnectedAsync(string thing, long version, CancellationToken cancellationToken)
    {
        try
        {
            await redis.Database.ScriptEvaluateAsync(DisconnectedScript, [OwnKey], [thing, version]).WaitAsync(cancellationToken);
        }
        catch (RedisException e)
        {
            Log.Failed(logger, "disconnect", e.Message);
        }
    }

    public async Task<(IReadOnlyList<PresenceEntry> Orphans, bool OwnTaken)> SweepAsync(CancellationToken cancellationToken)
    {
        RedisResult[] result;
        try
        {
            result = (RedisResult[])(await redis.Database.ScriptEvaluateAsync(
                SweepScript,
                [NodesKey, Prefix + redis.NodeId + ":taken"],
                [redis.NodeId, (long)MarkerLifetime.TotalSeconds, Prefix]).WaitAsync(cancellationToken))!;
        }
        catch (RedisException e)
        {
            Log.Failed(logger, "sweep", e.Message);
            return ([], false);
        }

        var orphans = new List<PresenceEntry>(result.Length / 2);
        for (var i = 0; i + 1 < result.Length; i += 2)
        {
            if (TryReadEntry((string)result[i]!, (string?)result[i + 1], out var entry))
            {
                orphans.Add(entry);
            }
        }

        return (orphans, (string?)result[^1] == "1");
    }

    /// <summary><c>version|session|certificate</c>, or a bare version (written by a node of an earlier version).</summary>
    internal static bool TryReadEntry(string thing, string? value, out PresenceEntry entry)
    {
        entry = null!;
        if (value is null)
        {
            return false;
        }

        var fields = value.Split('|');
        if (!long.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            return false;
        }

        entry = fields.Length == 3 && fields[1].Length > 0 && fields[2].Length > 0
            ? new PresenceEntry(thing, version, fields[1], fields[2])
            : new PresenceEntry(thing, version, null, null);
        return true;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 535, Level = LogLevel.Warning, Message = "Cluster presence: Redis {Operation} failed: {Reason}")]
        public static partial void Failed(ILogger logger, string operation, string reason);
    }
}
