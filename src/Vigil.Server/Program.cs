using Vigil.Server.Cli;
using Vigil.Server.Features.Cameras;
using Vigil.Server.Features.Cluster;
using Vigil.Server.Features.Credentials;
using Vigil.Server.Features.Devices;
using Vigil.Server.Features.Events;
using Vigil.Server.Features.Identity;
using Vigil.Server.Features.Ingest;
using Vigil.Server.Features.Integrations;
using Vigil.Server.Features.Notifications;
using Vigil.Server.Features.Pki;
using Vigil.Server.Features.Provisioning;
using Vigil.Server.Features.Signaling;
using Vigil.Server.Features.Vision;
using Vigil.Server.Features.WebClient;
using Vigil.Server.Hosting;
using Vigil.Server.Hosting.ApiReference;
using Vigil.Server.Hosting.FrontDoor;
using Vigil.Server.Hosting.Metrics;
using Vigil.Server.Storage;

namespace Vigil.Server;

/// <summary>Wires the features together; nothing else belongs here.</summary>
internal static class Program
{
    public static Task<int> Main(string[] args) => VigilCli.RunAsync(args);

    /// <summary>What every command needs, with or without the web server.</summary>
    public static void AddCoreServices(IServiceCollection services, DataDirectory data)
    {
        services.AddSingleton(data);
        services.AddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.AddValidatedOptions<ServerOptions>(ServerOptions.Section);
        services.AddSingleton<Hosting.ProxyProtocol.TrustedProxies>();
        services.AddValidatedOptions<AwsOptions>(AwsOptions.Section);
        services.AddSingleton<PublicAddress>();
        services.AddSingleton<DevicePlaneEndpoints>();
        services.AddVigilDataProtection(data);
        services.AddStorage();
        services.AddCluster();
        services.AddPki();
        services.AddDevices();
        services.AddProvisioning();
        services.AddCredentials();
        services.AddCameras();
        services.AddIngest();
        services.AddVision();
        services.AddEvents();
        services.AddNotifications();
        services.AddSignaling();
        services.AddVigilIdentity();
        services.AddIntegrations();
        services.AddSingleton<VigilInitializer>();
    }

    /// <summary>What only <c>vigil serve</c> needs: listeners, background work, protocol servers.</summary>
    public static void AddWebFeatures(WebApplicationBuilder builder)
    {
        builder.ConfigureListeners();
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<UnexpectedExceptionHandler>();
        builder.Services.AddApiReference();
        builder.AddCamerasServer();
        builder.AddIngestServer();
        builder.AddVisionServer();
        builder.AddEventsServer();
        builder.AddNotificationsServer();
        builder.AddProvisioningServer();
        builder.AddCredentialsProviderServer();
        builder.AddFrontDoorServer();
        builder.AddVigilIdentityServer();
        builder.AddIntegrationsServer();
        builder.AddWebClientServer();
        builder.AddMetricsServer();
    }

    /// <summary>
    /// The request pipeline, in order, then the endpoints. Routing runs first (WebApplication adds
    /// it before these), so every middleware below already knows the chosen endpoint.
    /// </summary>
    public static void MapFeatures(WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseSecurityHeaders();
        app.UseWebSockets();
        app.UseHttpsRequirement();
        app.UseIdentityTransport();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseCredentialsProviderListener();
        app.UseMetricsListener();
        app.UseApiReference();
        app.UseWebClient(); // last: its fallback answers the GETs that no endpoint claims

        app.MapOpenApi().AllowAnonymous(); // the API description has no secret in it
        app.MapHealth();
        app.MapMetrics();
        app.MapVigilIdentity();
        app.MapIngest();
        app.MapDeepStack();
        app.MapSignaling();
        app.MapCredentialsProvider();
        app.MapCameraApi();
        app.MapEventApi();
        app.MapRuleApi();
        app.MapWebClient();
    }
}
