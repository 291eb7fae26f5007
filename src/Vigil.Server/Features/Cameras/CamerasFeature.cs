using Vigil.Server.Features.Credentials;
using Vigil.Server.Hosting;

namespace Vigil.Server.Features.Cameras;

internal static class CamerasFeature
{
    public static IServiceCollection AddCameras(this IServiceCollection services)
    {
        services.AddValidatedOptions<CamerasOptions>(CamerasOptions.Section);
        services.AddScoped<SnapshotCameraDirectory>();
        services.AddScoped<CameraDirectory>();
        services.AddScoped<BindingThrottle>();
        services.AddScoped<CameraBinder>();
        services.AddScoped<ViewerAccess>();
        services.AddScoped<ICallerReview, ViewerBindingReview>();
        return services;
    }

    /// <summary>What only <c>vigil serve</c> runs: the presence feed behind the status streams.</summary>
    public static WebApplicationBuilder AddCamerasServer(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<CameraStatusFeed>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<CameraStatusFeed>());
        return builder;
    }
}
