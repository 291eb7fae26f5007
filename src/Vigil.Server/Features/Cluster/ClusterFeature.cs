using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;
using Vigil.Server.Hosting;

namespace Vigil.Server.Features.Cluster;

/// <summary>Cluster mode (docs/scale-out.md): its options, the Redis connection, the shared key ring, the shared-keys check, and revocation notices.</summary>
internal static class ClusterFeature
{
    public static IServiceCollection AddCluster(this IServiceCollection services)
    {
        services.AddValidatedOptions<ClusterOptions>(ClusterOptions.Section);
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<ClusterOptions>, ClusterStorageValidator>();
        services.AddSingleton<ClusterRedis>();
        services.AddSingleton<ClusterKeys>();
        services.AddSingleton<ClusterScope>();
        services.AddSingleton<IRateWindowStore>(sp => sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<ClusterOptions>>().Value.Enabled
            ? ActivatorUtilities.CreateInstance<RedisRateWindows>(sp)
            : new InProcessRateWindows());
        // In cluster mode the Data Protection key ring is the cluster's, in the database (after AddVigilDataProtection's file ring, so it wins).
        services.AddOptions<KeyManagementOptions>().Configure<IOptions<ClusterOptions>, IServiceScopeFactory, DataDirectory, TimeProvider, ILoggerFactory>((keys, cluster, scopes, data, time, logs) =>
        {
            if (cluster.Value.Enabled)
            {
                keys.XmlRepository = new ClusterKeyRing(scopes, data, new DirectoryInfo(data.PathOf(ClusterKeys.DataProtectionDirectory)), time, logs.CreateLogger<ClusterKeyRing>());
            }
        });
        services.AddSingleton<RevocationNotice>();
        services.AddHostedService<RevocationRecheck>();
        services.AddSingleton<IDataInitializer, ClusterKeyPrecheck>();
        services.AddSingleton<IDataInitializer, ClusterKeyCheck>();
        return services;
    }
}
