namespace Vigil.Server.Features.Ingest;

/// <summary>
/// At start-up, before the listeners accept anything: drops half-written spool files (their
/// senders never got a reply) and queues every complete entry again. An entry whose event was
/// already stored is recognised by its id and only removed.
/// </summary>
internal sealed partial class SpoolReplayer(SnapshotSpool spool, SnapshotQueue queue, ILogger<SpoolReplayer> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var discarded = spool.DiscardIncomplete();
        var pending = spool.Pending();
        foreach (var id in pending)
        {
            queue.Enqueue(id);
        }

        if (pending.Count > 0 || discarded > 0)
        {
            Log.Replaying(logger, pending.Count, discarded);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static partial class Log
    {
        [LoggerMessage(EventId = 7005, Level = LogLevel.Information, Message = "Spool replay: {Pending} accepted message(s) to process, {Discarded} incomplete file(s) discarded")]
        public static partial void Replaying(ILogger logger, int pending, int discarded);
    }
}
