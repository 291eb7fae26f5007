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
        return services;
    }
}
