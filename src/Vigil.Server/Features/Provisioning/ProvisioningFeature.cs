using Vigil.Server.Hosting;

namespace Vigil.Server.Features.Provisioning;

internal static class ProvisioningFeature
{
    // The MQTT broker and fleet provisioning arrive with the device-plane work; today this
    // feature only owns the settings that claim bundles advertise.
    public static IServiceCollection AddProvisioning(this IServiceCollection services)
    {
        services.AddValidatedOptions<ProvisioningOptions>(ProvisioningOptions.Section);
        return services;
    }
}
