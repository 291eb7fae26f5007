using Vigil.Server.Hosting;
using Vigil.Server.Hosting.Metrics;

namespace Vigil.Server.Features.Events;

internal static class EventsFeature
{
    public static IServiceCollection AddEvents(this IServiceCollection services)
    {
        services.AddValidatedOptions<EventsOptions>(EventsOptions.Section);
        services.AddSingleton<PictureStore>();
        services.AddSingleton<AnnotatedPictureCache>();
        services.AddScoped<EventQuery>();
        services.AddScoped<EventPruner>();
        services.AddSingleton<RetentionSignal>();
        services.AddSingleton<StorageQuota>();
        services.AddSingleton<Ingest.IOwnerStorageQuota>(sp => sp.GetRequiredService<StorageQuota>());
        return services;
    }

    /// <summary>What only <c>vigil serve</c> runs: the spool processor and retention.</summary>
    public static WebApplicationBuilder AddEventsServer(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton<EventMetrics>();
        services.AddSingleton<IMetricSeries>(sp => sp.GetRequiredService<EventMetrics>());
        services.AddSingleton<SnapshotProcessor>();
        services.AddHostedService(sp => sp.GetRequiredService<SnapshotProcessor>());
        services.AddHostedService<EventRetentionService>();
        return builder;
    }
}
