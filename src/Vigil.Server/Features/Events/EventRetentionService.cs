using Microsoft.Extensions.Options;

namespace Vigil.Server.Features.Events;

/// <summary>Runs <see cref="EventPruner"/> at start, every <c>Events:RetentionInterval</c>, and when ingest finds an owner over quota.</summary>
internal sealed partial class EventRetentionService(
    IServiceScopeFactory scopes,
    RetentionSignal signal,
    IOptions<EventsOptions> options,
    TimeProvider time,
    ILogger<EventRetentionService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RetentionInterval, time);
        Task<bool>? tick = null;
        try
        {
            while (true)
            {
                var woken = signal.Next;
                try
                {
                    await using var scope = scopes.CreateAsyncScope();
                    await scope.ServiceProvider.GetRequiredService<EventPruner>().PruneAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    Log.Failed(logger, e);
                }

                tick ??= timer.WaitForNextTickAsync(stoppingToken).AsTask();
                if (await Task.WhenAny(tick, woken.WaitAsync(stoppingToken)) == tick)
                {
                    if (!await tick)
                    {
                        return;
                    }

                    tick = null;
                }
            }
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
