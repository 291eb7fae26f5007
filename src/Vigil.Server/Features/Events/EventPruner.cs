using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Vigil.Server.Storage;

namespace Vigil.Server.Features.Events;

/// <summary>
/// Retention: deletes events older than <c>Events:RetentionDays</c>, then the oldest events until
/// their pictures fit in <c>Events:MaxStorageBytes</c>. Rows go first, files after the commit, so
/// no remaining event points at a deleted file.
/// </summary>
internal sealed partial class EventPruner(
    VigilDbContext db,
    PictureStore pictures,
    IOptions<EventsOptions> options,
    TimeProvider time,
    ILogger<EventPruner> logger)
{
    private const int Batch = 200;

    public async Task<PruneResult> PruneAsync(CancellationToken cancellationToken)
    {
        var expired = 0;
        var forSpace = 0;
        long freed = 0;
        if (options.Value.RetentionDays > 0)
        {
            var cutoff = time.GetUtcNow() - TimeSpan.FromDays(options.Value.RetentionDays);
            while (true)
            {
                var batch = await db.Events.Where(e => e.OccurredAt < cutoff).OrderBy(e => e.Id).Take(Batch)
                    .Include(e => e.Pictures).Include(e => e.Detections).AsSplitQuery().ToListAsync(cancellationToken);
                if (batch.Count == 0)
                {
                    break;
                }

                freed += await DeleteAsync(batch, cancellationToken);
                expired += batch.Count;
            }
        }

        if (options.Value.MaxStorageBytes > 0)
        {
            var total = await db.Events.SumAsync(e => (long?)e.StoredBytes, cancellationToken) ?? 0;
            while (total > options.Value.MaxStorageBytes)
            {
                var oldest = await db.Events.OrderBy(e => e.Id).Take(Batch).Select(e => new { e.Id, e.StoredBytes }).ToListAsync(cancellationToken);
                if (oldest.Count == 0)
                {
                    break;
                }

                var ids = new List<long>();
                foreach (var e in oldest)
                {
                    if (total <= options.Value.MaxStorageBytes)
                    {
                        break;
                    }

                    ids.Add(e.Id);
                    total -= e.StoredBytes;
                }

                var batch = await db.Events.Where(e => ids.Contains(e.Id)).Include(e => e.Pictures).Include(e => e.Detections).AsSplitQuery().ToListAsync(cancellationToken);
                freed += await DeleteAsync(batch, cancellationToken);
                forSpace += batch.Count;
            }
        }

        if (expired + forSpace > 0)
        {
            Log.Pruned(logger, expired, forSpace, freed);
        }

        return new PruneResult(expired, forSpace, freed);
    }

    /// <summary>Deletes one event (of this owner, when one is given) and its pictures; false when there is no such event.</summary>
    public async Task<bool> RemoveAsync(long eventId, Guid? ownerId, CancellationToken cancellationToken)
    {
        var batch = await db.Events.Where(e => e.Id == eventId && (ownerId == null || e.OwnerId == ownerId))
            .Include(e => e.Pictures).Include(e => e.Detections).AsSplitQuery().ToListAsync(cancellationToken);
        if (batch.Count == 0)
        {
            return false;
        }

        await DeleteAsync(batch, cancellationToken);
        Log.Removed(logger, eventId);
        return true;
    }

    private async Task<long> DeleteAsync(List<SnapshotEvent> batch, CancellationToken cancellationToken)
    {
        db.Events.RemoveRange(batch);
        await db.SaveChangesAsync(cancellationToken);
        db.ChangeTracker.Clear();
        foreach (var e in batch)
        {
            if (e.Pictures.FirstOrDefault() is { } picture)
            {
                pictures.DeleteEvent(picture.Path);
            }
        }

        return batch.Sum(e => e.StoredBytes);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7310, Level = LogLevel.Information, Message = "Retention: deleted {Expired} event(s) past their age and {ForSpace} for space, {Bytes} bytes freed")]
        public static partial void Pruned(ILogger logger, int expired, int forSpace, long bytes);

        [LoggerMessage(EventId = 7312, Level = LogLevel.Information, Message = "Event {EventId} deleted by its owner")]
        public static partial void Removed(ILogger logger, long eventId);
    }
}
