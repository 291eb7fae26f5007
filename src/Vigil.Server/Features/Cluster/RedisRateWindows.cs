using StackExchange.Redis;

namespace Vigil.Server.Features.Cluster;

/// <summary>
/// The cluster's counters in Redis: <c>INCR vigil:rate:&lt;key&gt;:&lt;window&gt;</c>, expiring after the window. When
/// Redis cannot be reached (or a CLI command runs without it) the node counts alone meanwhile: limits hold per node
/// rather than not at all, and no request fails because of the counter.
/// </summary>
internal sealed partial class RedisRateWindows(ClusterRedis redis, ILogger<RedisRateWindows> logger) : IRateWindowStore
{
    private const string Script = """
        local n = redis.call('INCR', KEYS[1])
        if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
        return n
        """;

    private readonly InProcessRateWindows _fallback = new();

    public async ValueTask<long> IncrementAsync(string key, long window, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        if (redis.IsConnected)
        {
            try
            {
                var count = await redis.Database.ScriptEvaluateAsync(Script, [(RedisKey)$"vigil:rate:{key}:{window}"], [(long)lifetime.TotalMilliseconds]).WaitAsync(cancellationToken);
                return (long)count;
            }
            catch (RedisException e)
            {
                Log.Fallback(logger, e.Message);
            }
        }

        return await _fallback.IncrementAsync(key, window, lifetime, cancellationToken);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 9510, Level = LogLevel.Warning, Message = "Cluster: a rate limit is counted by this node alone (Redis failed: {Reason})")]
        public static partial void Fallback(ILogger logger, string reason);
    }
}
