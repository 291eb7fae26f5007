using System.ComponentModel.DataAnnotations;

namespace Vigil.Server.Features.Cluster;

/// <summary>
/// Section <c>Cluster</c>: several <c>vigil serve</c> nodes acting as one service (docs/scale-out.md).
/// Cluster mode is on when <see cref="Redis"/> is set; it needs <c>Storage:Provider=Postgres</c>. Without it
/// (the default) a node is alone: SQLite or PostgreSQL, in-process signaling hub, no Redis.
/// </summary>
internal sealed class ClusterOptions : IValidatableObject
{
    public const string Section = "Cluster";

    /// <summary>The Redis server every node shares, <c>host:port</c> (Debian's <c>redis-server</c>: <c>127.0.0.1:6379</c>).</summary>
    public string? Redis { get; set; }

    /// <summary>Redis ACL user (Redis 6+), when the server has one for Vigil; the default user otherwise.</summary>
    public string? RedisUser { get; set; }

    /// <summary>Redis password (<c>requirepass</c>, or the ACL user's). Never logged.</summary>
    public string? RedisPassword { get; set; }

    /// <summary>Connect to Redis over TLS (Redis 6+ <c>tls-port</c>); the server certificate is checked against the system's roots.</summary>
    public bool RedisTls { get; set; }

    /// <summary>How long a node waits for Redis at start before refusing to start.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00", ErrorMessage = "must be from 1 second to 5 minutes")]
    public TimeSpan RedisConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public bool Enabled => !string.IsNullOrWhiteSpace(Redis);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Redis is { } redis && !string.IsNullOrWhiteSpace(redis) && !IsHostAndPort(redis))
        {
            yield return new ValidationResult("must be host:port, e.g. 10.0.0.5:6379 (password and TLS are Cluster:RedisPassword and Cluster:RedisTls)", [nameof(Redis)]);
        }

        if (!Enabled && (RedisPassword is not null || RedisUser is not null || RedisTls))
        {
            yield return new ValidationResult("is set but Cluster:Redis is not: set Cluster:Redis to run as a cluster node, or remove the Redis settings", [nameof(Redis)]);
        }
    }

    private static bool IsHostAndPort(string value)
    {
        var colon = value.LastIndexOf(':');
        return colon > 0 && !value.Contains(',', StringComparison.Ordinal) && !value.Contains('=', StringComparison.Ordinal)
            && int.TryParse(value.AsSpan(colon + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port)
            && port is > 0 and < 65536;
    }
}
