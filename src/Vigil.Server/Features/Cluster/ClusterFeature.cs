using Vigil.Server.Hosting;

namespace Vigil.Server.Features.Cluster;

/// <summary>Cluster mode (docs/scale-out.md): its options, the Redis connection, the shared-keys check, and revocation notices.</summary>
internal static class ClusterFeature
{
    public static IServiceCollection AddCluster(this IServiceCollection services)
    {
        services.AddValidatedOptions<ClusterOptions>(ClusterOptions.Section);
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<ClusterOptions>, ClusterStorageValidator>();
        services.AddSingleton<ClusterRedis>();
        services.AddSingleton<ClusterKeys>();
        services.AddSingleton<IRateWindowStore>(sp => sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<ClusterOptions>>().Value.Enabled
            ? ActivatorUtilities.CreateInstance<RedisRateWindows>(sp)
            : new InProcessRateWindows());
        services.AddSingleton<RevocationNotice>();
        services.AddHostedService<RevocationRecheck>();
        services.AddSingleton<IDataInitializer, ClusterKeyPrecheck>();
        services.AddSingleton<IDataInitializer, ClusterKeyCheck>();
        return services;
    }
}
