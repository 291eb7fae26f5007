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
        return services;
    }

    /// <summary>
    /// What <c>vigil serve</c> adds, after the device broker (hosted services stop in reverse
    /// order, so these stop while the broker still runs): the MQTT action, the person sensors
    /// and Home Assistant discovery.
    /// </summary>
    public static IServiceCollection AddIntegrationsServer(this IServiceCollection services)
    {
        services.AddSingleton<IntegrationPublisher>();
        services.AddSingleton<INotificationAction, MqttNotificationAction>();
        services.AddSingleton<PersonSensor>();
        services.AddHostedService(sp => sp.GetRequiredService<PersonSensor>());
        services.AddScoped<IEventListener, PersonDetectionListener>();
        services.AddSingleton<HomeAssistantPublisher>();
        services.AddHostedService(sp => sp.GetRequiredService<HomeAssistantPublisher>());
        return services;
    }
}
