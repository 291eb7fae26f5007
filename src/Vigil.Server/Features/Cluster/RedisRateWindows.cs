using StackExchange.Redis;
using Vigil.Server.Features.Pki;
using Vigil.Server.Hosting;

namespace Vigil.Server.Features.Cluster;

/// <summary>
/// The cluster's counters in Redis: <c>INCR vigil:rate:&lt;key&gt;:&lt;window&gt;</c>, expiring after the window, read
/// with the previous window's count in one script. Keys are scoped by the cluster's certificate authority
/// (<c>vigil:rate:&lt;ca&gt;:…</c>), which every node of one cluster shares: two clusters on one Redis (production and
/// a staging copy, say) count apart. When
/// Redis cannot be reached (or a CLI command runs without it) the node counts alone meanwhile: limits hold per node
/// rather than not at all, and no request fails because of the counter.
/// </summary>
internal sealed partial class RedisRateWindows(ClusterRedis redis, DataDirectory data, ILogger<RedisRateWindows> logger) : IRateWindowStore
{
    private const string Script = """
        local n = redis.call('INCR', KEYS[1])
        if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
        return { n, tonumber(redis.call('GET', KEYS[2]) or '0') }
        """;

    private readonly InProcessRateWindows _fallback = new();
    private string? _scope;

    /// <summary>The first 16 hex digits of the CA certificate's fingerprint (read once; the CA never changes while a node runs).</summary>
    private string Scope => _scope ??= ReadScope();

    public async ValueTask<RateWindowCount> IncrementAsync(string key, long window, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        if (redis.IsConnected)
        {
            try
            {
                var counts = (RedisResult[])(await redis.Database.ScriptEvaluateAsync(
                    Script,
                    [(RedisKey)$"vigil:rate:{Scope}:{key}:{window}", (RedisKey)$"vigil:rate:{Scope}:{key}:{window - 1}"],
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

    private string ReadScope()
    {
        var path = data.PathOf("pki", CertificateAuthority.CertificateFile);
        if (!File.Exists(path))
        {
            return "no-ca"; // a CLI command before the first start; serve creates the CA before it takes requests
        }

        using var ca = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(File.ReadAllText(path));
        return Fingerprint.Of(ca)[..16];
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 9510, Level = LogLevel.Warning, Message = "Cluster: a rate limit is counted by this node alone (Redis failed: {Reason})")]
        public static partial void Fallback(ILogger logger, string reason);
    }
}
