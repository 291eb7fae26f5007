using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace Vigil.Server.Hosting.Metrics;

/// <summary>
/// Prometheus metrics. Features count with <see cref="System.Diagnostics.Metrics.Meter"/>s named
/// <c>Vigil.*</c> (created through <see cref="System.Diagnostics.Metrics.IMeterFactory"/>); ASP.NET
/// Core, Kestrel and the runtime (<c>System.Runtime</c>: CPU, memory, GC, thread pool) publish
/// their own. OpenTelemetry's Prometheus exporter turns them into the text format with Prometheus
/// names (unit suffixes such as <c>_seconds</c>, <c>_total</c> on counters). Why this exporter and
/// not prometheus-net: docs/operations.md, "Metrics".
/// </summary>
internal static class MetricsFeature
{
    public const string Path = "/metrics";
    private const string ListenerKey = "Vigil.MetricsListener";

    /// <summary>The meters exported: Vigil's, and the framework's that docs/operations.md lists.</summary>
    public static readonly string[] Meters =
    [
        "Vigil.*",
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel",
        "System.Runtime",
    ];

    public static WebApplicationBuilder AddMetricsServer(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<MetricsOptions>(MetricsOptions.Section);
        builder.Services.AddHostedService<MetricSeriesInitializer>();
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(Meters)
            .AddPrometheusExporter(prometheus =>
            {
                // Every series would otherwise carry otel_scope_name/version labels and a target_info
                // series; a Prometheus job label already says which server it is.
                prometheus.ScopeInfoEnabled = false;
                prometheus.TargetInfoEnabled = false;
            }));
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            var options = kestrel.ApplicationServices.GetRequiredService<IOptions<MetricsOptions>>().Value;
            if (!options.Enabled || options.Port is not { } port)
            {
                return;
            }

            var address = options.ListenAddress ?? kestrel.ApplicationServices.GetRequiredService<IOptions<ServerOptions>>().Value.ListenAddress;
            PortProbe.EnsureFree(address, port, "Metrics:Port");
            KestrelSetup.Listen(kestrel, address, port, listen => listen.Use(next => connection =>
            {
                MarkMetricsListener(connection);
                return next(connection);
            }));
        });
        return builder;
    }

    private static void MarkMetricsListener(ConnectionContext connection) => connection.Items[ListenerKey] = true;

    /// <summary>
    /// <c>/metrics</c> answers only on the plain HTTP listener (or, with <c>Metrics:Port</c>, only on
    /// its own listener, which answers nothing else); 404 elsewhere: the HTTPS port and the front door.
    /// </summary>
    public static WebApplication UseMetricsListener(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<MetricsOptions>>().Value;
        var dedicated = options.Enabled && options.Port is not null;
        app.Use(async (context, next) =>
        {
            var items = context.Features.Get<IConnectionItemsFeature>()?.Items;
            var onMetricsListener = items?.ContainsKey(ListenerKey) == true;
            var allowed = dedicated ? onMetricsListener : items?.ContainsKey(KestrelSetup.HttpListenerKey) == true;
            var isMetrics = context.GetEndpoint()?.Metadata.GetMetadata<MetricsEndpointMarker>() is not null;
            if ((isMetrics && !allowed) || (onMetricsListener && !isMetrics))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            await next(context);
        });
        return app;
    }

    public static WebApplication MapMetrics(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<MetricsOptions>>().Value.Enabled)
        {
            app.MapPrometheusScrapingEndpoint(Path)
                .WithMetadata(new MetricsEndpointMarker())
                .ExcludeFromDescription()
                .AllowAnonymous(); // Prometheus scrapes without credentials; Metrics:Port moves it off the public port
        }

        return app;
    }

    /// <summary>Endpoint metadata of <c>/metrics</c>.</summary>
    private sealed class MetricsEndpointMarker;
}
