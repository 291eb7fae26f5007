using Vigil.Server.Features.Events;
using Vigil.Server.Hosting;

namespace Vigil.Server.Features.Notifications;

internal static class NotificationsFeature
{
    public static IServiceCollection AddNotifications(this IServiceCollection services)
    {
        services.AddValidatedOptions<NotificationsOptions>(NotificationsOptions.Section);
        services.AddSingleton<NotificationSignal>();
        services.AddScoped<RuleDirectory>();
        services.AddScoped<IEventListener, NotificationPlanner>();
        services.AddSingleton<INotificationAction, EmailNotificationAction>();
        services.AddSingleton<INotificationAction, WebhookNotificationAction>();
        services.AddHttpClient(WebhookNotificationAction.HttpClientName);
        return services;
    }

    /// <summary>What only <c>vigil serve</c> runs: the sender of pending notifications.</summary>
    public static WebApplicationBuilder AddNotificationsServer(this WebApplicationBuilder builder)
    {
        builder.Services.AddHostedService<NotificationSender>();
        return builder;
    }
}
