namespace Vigil.Server.Features.Cameras;

internal static class CamerasFeature
{
    public static IServiceCollection AddCameras(this IServiceCollection services)
    {
        services.AddScoped<SnapshotCameraDirectory>();
        return services;
    }
}
