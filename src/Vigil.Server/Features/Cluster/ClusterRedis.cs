using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Vigil.Server.Hosting;

namespace Vigil.Server.Features.Cluster;

/// <summary>
/// This node's connection to the cluster's Redis (one multiplexer for commands and pub/sub), opened when
/// <c>vigil serve</c> starts in cluster mode. An unreachable Redis at start refuses the start with one line;
/// after that StackExchange.Redis reconnects by itself and callers see failed commands meanwhile.
/// </summary>
internal sealed partial class ClusterRedis(IOptions<ClusterOptions> options, ILogger<ClusterRedis> logger) : IAsyncDisposable, IDisposable
{
    private ConnectionMultiplexer? _connection;

    /// <summary>This process's id in the cluster: new at every start, so entries a dead process left behind never match a live one.</summary>
    public string NodeId { get; } = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));

    public ConnectionMultiplexer Connection => _connection ?? throw new InvalidOperationException("Redis is not connected (cluster mode not started).");

    public IDatabase Database => Connection.GetDatabase();

    /// <summary>Connected now (false before <c>vigil serve</c> started cluster mode, in CLI commands, and while reconnecting).</summary>
    public bool IsConnected => _connection?.IsConnected == true;

    public async Task ConnectAsync(CancellationToken cancellationToken)
    {
        if (_connection is not null)
        {
            return;
        }

        var settings = options.Value;
        var configuration = new ConfigurationOptions
        {
            EndPoints = { settings.Redis! },
            User = settings.RedisUser,
            Password = settings.RedisPassword,
            Ssl = settings.RedisTls,
            ClientName = $"vigil-{NodeId}",
            ConnectTimeout = (int)settings.RedisConnectTimeout.TotalMilliseconds,
            AbortOnConnectFail = true,
            // Vigil's keys and scripts assume one primary (or Sentinel), not Redis Cluster sharding.
            AllowAdmin = false,
        };
        try
        {
            _connection = await ConnectionMultiplexer.ConnectAsync(configuration).WaitAsync(cancellationToken);
        }
        catch (RedisConnectionException e)
        {
            throw new StartupException($"Cluster:Redis: cannot connect to Redis at {settings.Redis} ({FirstLine(e.Message)}); start Redis or correct Cluster:Redis, Cluster:RedisPassword and Cluster:RedisTls");
        }

        _connection.ConnectionFailed += (_, e) => Log.ConnectionLost(logger, e.EndPoint?.ToString() ?? settings.Redis!, e.FailureType.ToString());
        _connection.ConnectionRestored += (_, e) => Log.ConnectionRestored(logger, e.EndPoint?.ToString() ?? settings.Redis!);
        Log.Connected(logger, settings.Redis!, NodeId);
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.CloseAsync();
            await _connection.DisposeAsync();
        }
    }

    /// <summary>A CLI command's host is disposed synchronously; it may have connected to send a <see cref="RevocationNotice"/>.</summary>
    public void Dispose() => _connection?.Dispose();

    private static string FirstLine(string message)
    {
        var end = message.IndexOfAny(['\r', '\n']);
        return (end < 0 ? message : message[..end]).TrimEnd('.', ' ');
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 9501, Level = LogLevel.Information, Message = "Cluster: connected to Redis at {Redis} as node {NodeId}")]
        public static partial void Connected(ILogger logger, string redis, string nodeId);

        [LoggerMessage(EventId = 9502, Level = LogLevel.Warning, Message = "Cluster: lost the Redis connection to {Redis} ({Failure}); reconnecting")]
        public static partial void ConnectionLost(ILogger logger, string redis, string failure);

        [LoggerMessage(EventId = 9503, Level = LogLevel.Information, Message = "Cluster: Redis connection to {Redis} restored")]
        public static partial void ConnectionRestored(ILogger logger, string redis);
    }
}
