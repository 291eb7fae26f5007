using StackExchange.Redis;

namespace Vigil.Server.Features.Cluster;

/// <summary>
/// The cluster's counters in Redis: <c>INCR vigil:rate:&lt;key&gt;:&lt;window&gt;</c>, expiring after the window, read
/// with the previous window's count in one script. Keys carry the <see cref="ClusterScope"/>
/// (<c>vigil:rate:&lt;scope&gt;:…</c>): two clusters on one Redis count apart. When
/// Redis cannot be reached (or a CLI command runs without it) the node counts alone meanwhile: limits hold per node
/// rather than not at all, and no request fails because of the counter.
/// </summary>
internal sealed partial class RedisRateWindows(ClusterRedis redis, ClusterScope scope, ILogger<RedisRateWindows> logger) : IRateWindowStore
{
    private const string Script = """
        local n = redis.call('INCR', KEYS[1])
        if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
        return { n, tonumber(redis.call('GET', KEYS[2]) or '0') }
        """;

    private readonly InProcessRateWindows _fallback = new();

    public async ValueTask<RateWindowCount> IncrementAsync(string key, long window, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        if (redis.IsConnected)
        {
            try
            {
                var counts = (RedisResult[])(await redis.Database.ScriptEvaluateAsync(
                    Script,
                    [(RedisKey)$"vigil:rate:{scope.Value}:{key}:{window}", (RedisKey)$"vigil:rate:{scope.Value}:{key}:{window - 1}"],
                    [(long)lifetime.TotalMilliseconds]).WaitAsync(cancellationToken))!;
                return new RateWindowCount((long)counts[0], (long)counts[1]);
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
