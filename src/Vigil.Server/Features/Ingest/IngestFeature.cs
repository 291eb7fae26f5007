using Vigil.Server.Features.Cameras;
using Vigil.Server.Features.Ingest.Smtp;
using Vigil.Server.Hosting;

namespace Vigil.Server.Features.Ingest;

internal static class IngestFeature
{
    public static IServiceCollection AddIngest(this IServiceCollection services)
    {
        services.AddValidatedOptions<IngestOptions>(IngestOptions.Section);
        services.AddSingleton<IngestWebhookKey>();
        services.AddSingleton<ISnapshotIngestEndpoints, SnapshotIngestEndpoints>();
        services.AddSingleton<IDataInitializer>(sp => sp.GetRequiredService<IngestWebhookKey>());
        return services;
    }

    /// <summary>What only <c>vigil serve</c> runs: the spool, its replay, and the SMTP listener.</summary>
    public static WebApplicationBuilder AddIngestServer(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton<SnapshotSpool>();
        services.AddSingleton<SnapshotQueue>();
        services.AddSingleton<IngestRateLimiter>();
        services.AddSingleton<SnapshotIngestor>();
        services.AddSingleton<SmtpSessionDependencies>();
        services.AddSingleton<SmtpListener>();
        services.AddHostedService<SpoolReplayer>();
        services.AddHostedService(sp => sp.GetRequiredService<SmtpListener>());
        return builder;
    }
}
