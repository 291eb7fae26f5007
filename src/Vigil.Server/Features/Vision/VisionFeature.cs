using Vigil.Server.Hosting;

namespace Vigil.Server.Features.Vision;

internal static class VisionFeature
{
    public static IServiceCollection AddVision(this IServiceCollection services)
    {
        services.AddValidatedOptions<VisionOptions>(VisionOptions.Section);
        services.AddHttpClient(DetectorModelLocator.HttpClientName, client => client.Timeout = TimeSpan.FromMinutes(5));
        services.AddSingleton<DetectorModelLocator>();
        services.AddSingleton<ObjectDetector>();
        return services;
    }

    /// <summary>What only <c>vigil serve</c> runs: the model is loaded at start.</summary>
    public static IServiceCollection AddVisionServer(this IServiceCollection services) =>
        services.AddHostedService<DetectorWarmup>();

    public static IEndpointRouteBuilder MapVision(this IEndpointRouteBuilder app) => app.MapDeepStack();
}
