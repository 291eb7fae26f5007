using Vigil.Server.Features.Events;
using Vigil.Server.Hosting;

namespace Vigil.Server.Features.Notifications;

internal static class NotificationsFeature
{
    public static IServiceCollection AddNotifications(this IServiceCollection services)
    {
        services.AddValidatedOptions<NotificationsOptions>(NotificationsOptions.Section);
        services.AddSingleton<NotificationSignal>();
        services.AddSingleton<NotificationMetrics>();
        services.AddSingleton<Hosting.Metrics.IMetricSeries>(sp => sp.GetRequiredService<NotificationMetrics>());
        services.AddScoped<RuleDirectory>();
        services.AddScoped<IEventListener, NotificationPlanner>();
        services.AddSingleton<INotificationAction, EmailNotificationAction>();
        services.AddSingleton<INotificationAction, WebhookNotificationAction>();
        services.AddSingleton<WebhookTargetGuard>();
        services.AddSingleton<WebhookSecrets>();
        services.AddSingleton<IDataInitializer, WebhookSecrets.Initializer>();
        services.AddHttpClient(WebhookNotificationAction.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(provider => new SocketsHttpHandler
            {
                // Each connection goes through the guard, on the address it resolves to now; no proxy
                // (it would connect for us), no redirects (a 3xx is a failure that names the Location).
                ConnectCallback = provider.GetRequiredService<WebhookTargetGuard>().ConnectAsync,
                UseProxy = false,
                AllowAutoRedirect = false,
            });
        return services;
    }

    /// <summary>What only <c>vigil serve</c> runs: the sender of pending notifications.</summary>
    public static WebApplicationBuilder AddNotificationsServer(this WebApplicationBuilder builder)
    {
        builder.Services.AddHostedService<NotificationSender>();
        return builder;
    }
}
