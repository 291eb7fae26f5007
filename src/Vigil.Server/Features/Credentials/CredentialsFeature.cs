using Vigil.Server.Hosting;

namespace Vigil.Server.Features.Credentials;

internal static class CredentialsFeature
{
    // The credentials provider arrives with the device-plane work; today this feature only owns
    // the settings that claim bundles advertise.
    public static IServiceCollection AddCredentials(this IServiceCollection services)
    {
        services.AddValidatedOptions<CredentialsProviderOptions>(CredentialsProviderOptions.Section);
        return services;
    }
}
