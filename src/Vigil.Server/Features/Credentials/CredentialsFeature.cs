using Vigil.Server.Hosting;

namespace Vigil.Server.Features.Credentials;

internal static class CredentialsFeature
{
    public static IServiceCollection AddCredentials(this IServiceCollection services)
    {
        services.AddValidatedOptions<CredentialsProviderOptions>(CredentialsProviderOptions.Section);
        services.AddSingleton<SessionTokenProtector>();
        services.AddSingleton<TemporaryCredentialIssuer>();
        services.AddSingleton<CredentialResolver>();
        services.AddSingleton<SigV4Authenticator>();
        services.AddScoped<AccessKeyStore>();
        services.AddScoped<ICallerReview, CredentialCallerReview>();
        return services;
    }
}
