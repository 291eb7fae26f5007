using Microsoft.Extensions.Options;

namespace Vigil.Server.Features.Events;

/// <summary>Runs <see cref="EventPruner"/> at start and every <c>Events:RetentionInterval</c>.</summary>
internal sealed partial class EventRetentionService(
    IServiceScopeFactory scopes,
    IOptions<EventsOptions> options,
    TimeProvider time,
    ILogger<EventRetentionService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RetentionInterval, time);
        try
        {
            do
            {
                try
                {
                    await using var scope = scopes.CreateAsyncScope();
                    await scope.ServiceProvider.GetRequiredService<EventPruner>().PruneAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    Log.Failed(logger, e);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7311, Level = LogLevel.Warning, Message = "Retention failed; it runs again at the next interval")]
        public static partial void Failed(ILogger logger, Exception exception);
    }
}
