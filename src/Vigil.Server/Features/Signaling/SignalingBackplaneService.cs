using Microsoft.Extensions.Options;
using Vigil.Server.Features.Cluster;

namespace Vigil.Server.Features.Signaling;

/// <summary>
/// Starts the Redis backplane with <c>vigil serve</c> on a cluster node (connecting to Redis, refusing the start
/// when it cannot) and stops it last; nothing on a single node.
/// </summary>
internal sealed class SignalingBackplaneService(IOptions<ClusterOptions> options, IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) =>
        options.Value.Enabled ? services.GetRequiredService<RedisSignalingBackplane>().StartAsync(cancellationToken) : Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) =>
        options.Value.Enabled ? services.GetRequiredService<RedisSignalingBackplane>().StopAsync(cancellationToken) : Task.CompletedTask;
}
