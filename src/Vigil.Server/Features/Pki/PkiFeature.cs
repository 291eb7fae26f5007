using Vigil.Server.Hosting;

namespace Vigil.Server.Features.Pki;

internal static class PkiFeature
{
    public static IServiceCollection AddPki(this IServiceCollection services)
    {
        services.AddValidatedOptions<PkiOptions>(PkiOptions.Section);
        services.AddSingleton<CertificateAuthority>();
        services.AddSingleton<ServerCertificateProvider>();
        services.AddSingleton<IDataInitializer, PkiInitializer>();
        services.AddScoped<CertificateRegistry>();
        services.AddSingleton<ClientCertificateValidator>();
        services.AddSingleton<EndpointTls>();
        return services;
    }
}
