using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Vigil.Server.Storage;

namespace Vigil.Server.Features.Events;

/// <summary>
/// Retention: deletes events older than <c>Events:RetentionDays</c>; then each owner over their
/// quota (<see cref="StorageQuota"/>) loses their own oldest events until they fit; then, should
/// the pictures still not fit in <c>Events:MaxStorageBytes</c> (per-owner quotas that add up to
/// more), the owner using the most loses their oldest, one batch at a time. Another owner's events
/// are never deleted to make room for someone over quota. Rows go first, files after the commit,
/// so no remaining event points at a deleted file.
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

        if (await StorageQuota.QuotaAsync(db, options.Value, cancellationToken) is { } quota)
        {
            var usage = await db.Events.GroupBy(e => e.OwnerId).Select(g => new { Owner = g.Key, Bytes = g.Sum(e => e.StoredBytes) }).ToListAsync(cancellationToken);
            foreach (var owner in usage.Where(u => u.Bytes > quota))
            {
                var (count, bytes) = await DeleteOldestAsync(owner.Owner, owner.Bytes - quota, cancellationToken);
                forSpace += count;
                freed += bytes;
            }
        }

        if (options.Value.MaxStorageBytes > 0)
        {
            while (true)
            {
                var total = await db.Events.SumAsync(e => (long?)e.StoredBytes, cancellationToken) ?? 0;
                if (total <= options.Value.MaxStorageBytes)
                {
                    break;
                }

                var largest = await db.Events.GroupBy(e => e.OwnerId).Select(g => new { Owner = g.Key, Bytes = g.Sum(e => e.StoredBytes) })
                    .OrderByDescending(u => u.Bytes).FirstAsync(cancellationToken);
                var (count, bytes) = await DeleteOldestAsync(largest.Owner, Math.Min(total - options.Value.MaxStorageBytes, largest.Bytes), cancellationToken);
                forSpace += count;
                freed += bytes;
                if (count == 0)
                {
                    break;
                }
            }
        }

        if (expired + forSpace > 0)
        {
            Log.Pruned(logger, expired, forSpace, freed);
        }

        return new PruneResult(expired, forSpace, freed);
    }

    /// <summary>Deletes <paramref name="ownerId"/>'s oldest events until at least <paramref name="bytes"/> are freed.</summary>
    private async Task<(int Count, long Bytes)> DeleteOldestAsync(Guid ownerId, long bytes, CancellationToken cancellationToken)
    {
        var count = 0;
        long freed = 0;
        while (freed < bytes)
        {
            var oldest = await db.Events.Where(e => e.OwnerId == ownerId).OrderBy(e => e.Id).Take(Batch).Select(e => new { e.Id, e.StoredBytes }).ToListAsync(cancellationToken);
            if (oldest.Count == 0)
            {
                break;
            }

            var ids = new List<long>();
            var planned = freed;
            foreach (var e in oldest)
            {
                if (planned >= bytes)
                {
                    break;
                }

                ids.Add(e.Id);
                planned += e.StoredBytes;
            }

            var batch = await db.Events.Where(e => ids.Contains(e.Id)).Include(e => e.Pictures).Include(e => e.Detections).AsSplitQuery().ToListAsync(cancellationToken);
            freed += await DeleteAsync(batch, cancellationToken);
            count += batch.Count;
        }

        return (count, freed);
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
