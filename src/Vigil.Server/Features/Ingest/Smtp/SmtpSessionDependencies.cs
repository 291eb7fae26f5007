using Microsoft.Extensions.Options;
using Vigil.Server.Features.Cameras;
using Vigil.Server.Features.Pki;
using Vigil.Server.Hosting;

namespace Vigil.Server.Features.Ingest.Smtp;

/// <summary>What every SMTP session uses; one instance shared by the listener's sessions.</summary>
internal sealed class SmtpSessionDependencies(
    IOptions<IngestOptions> ingestOptions,
    IOptions<ServerOptions> serverOptions,
    ServerCertificateProvider certificates,
    IServiceScopeFactory scopes,
    SnapshotIngestor ingestor,
    IngestRateLimiter rateLimiter,
    IngestMetrics metrics,
    TimeProvider time)
{
    public IngestMetrics Metrics => metrics;

    public IngestOptions Options => ingestOptions.Value;

    public string HostName => serverOptions.Value.EffectivePublicHost;

    public ServerCertificateProvider Certificates => certificates;

    public SnapshotIngestor Ingestor => ingestor;

    public IngestRateLimiter RateLimiter => rateLimiter;

    public TimeProvider Time => time;

    /// <summary>Runs a camera look-up in a scope of its own (one database context per look-up).</summary>
    public async Task<T> WithDirectoryAsync<T>(Func<SnapshotCameraDirectory, Task<T>> lookup)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await lookup(scope.ServiceProvider.GetRequiredService<SnapshotCameraDirectory>());
    }
}
