namespace Vigil.Server.Features.Cluster;

/// <summary>
/// Runs every <see cref="IRevocationListener"/> of this node when a <see cref="RevocationNotice"/> arrives, one
/// re-check at a time (notices that arrive meanwhile make one more).
/// </summary>
internal sealed partial class RevocationRecheck(RevocationNotice notice, IEnumerable<IRevocationListener> listeners, ILogger<RevocationRecheck> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var _ in notice.Requests.ReadAllAsync(stoppingToken))
            {
                foreach (var listener in listeners)
                {
                    try
                    {
                        await listener.RecheckNowAsync(stoppingToken);
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        Log.Failed(logger, listener.GetType().Name, e);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 9541, Level = LogLevel.Warning, Message = "Cluster: re-checking connections after a revocation failed in {Listener}; its periodic check still runs")]
        public static partial void Failed(ILogger logger, string listener, Exception exception);
    }
}
