using Vigil.Server.Hosting;

namespace Vigil.Server.Features.Vision;

internal static class VisionFeature
{
    public static IServiceCollection AddVision(this IServiceCollection services)
    {
        services.AddValidatedOptions<VisionOptions>(VisionOptions.Section);
        services.AddHttpClient(DetectorModelLocator.HttpClientName, client => client.Timeout = TimeSpan.FromMinutes(5));
        services.AddSingleton<DetectorModelLocator>();
        services.AddSingleton<VisionMetrics>();
        services.AddSingleton<ObjectDetector>();
        services.AddSingleton<DetectionApiLimiter>();
        return services;
    }

    /// <summary>What only <c>vigil serve</c> runs: the model is loaded at start.</summary>
    public static WebApplicationBuilder AddVisionServer(this WebApplicationBuilder builder)
    {
        builder.Services.AddHostedService<DetectorWarmup>();
        return builder;
    }
}
