using Vigil.Server.Hosting;

namespace Vigil.Server.Features.Devices;

internal static class DevicesFeature
{
    public static IServiceCollection AddDevices(this IServiceCollection services)
    {
        services.AddSingleton<DeviceSecretHasher>();
        services.AddSingleton<IDataInitializer>(sp => sp.GetRequiredService<DeviceSecretHasher>());
        services.AddScoped<RegistryImporter>();
        services.AddScoped<ManufacturingRegistry>();
        services.AddScoped<ThingRegistry>();
        return services;
    }
}
