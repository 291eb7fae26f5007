using Vigil.Server.Features.Events;
using Vigil.Server.Features.Notifications;
using Vigil.Server.Features.Provisioning;
using Vigil.Server.Hosting;

namespace Vigil.Server.Features.Integrations;

internal static class IntegrationsFeature
{
    /// <summary>What every command needs: settings and the integration identities.</summary>
    public static IServiceCollection AddIntegrations(this IServiceCollection services)
    {
        services.AddValidatedOptions<IntegrationsOptions>(IntegrationsOptions.Section);
        services.AddScoped<IntegrationDirectory>();
        services.AddScoped<IIntegrationClients, IntegrationClientLookup>();
        services.AddSingleton<CameraOwnerCache>();
        return services;
    }

    /// <summary>
    /// What <c>vigil serve</c> adds: the MQTT action, the person sensors and Home Assistant
    /// discovery, all publishing into the device broker.
    /// </summary>
    public static WebApplicationBuilder AddIntegrationsServer(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton<IntegrationPublisher>();
        services.AddSingleton<INotificationAction, MqttNotificationAction>();
        services.AddSingleton<PersonSensor>();
        services.AddHostedService(sp => sp.GetRequiredService<PersonSensor>());
        services.AddScoped<IEventListener, PersonDetectionListener>();
        services.AddSingleton<HomeAssistantPublisher>();
        services.AddHostedService(sp => sp.GetRequiredService<HomeAssistantPublisher>());
        return builder;
    }
}
