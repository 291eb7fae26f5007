using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Vigil.Server.Features.Ingest;
using Vigil.Server.Storage;

namespace Vigil.Server.Features.Events;

/// <summary>
/// Storage fairness: each owner's events may take at most their quota of picture bytes,
/// <c>Events:MaxStorageBytesPerOwner</c>, or by default a fair share of <c>Events:MaxStorageBytes</c>
/// (divided by the number of owners with cameras or events). Retention deletes an owner's own
/// oldest events when they are over it (woken at once when ingest sees it), and an owner more than
/// <see cref="RefusalMargin"/> over (sending faster than retention deletes) has further pictures refused.
/// </summary>
internal sealed class StorageQuota(IServiceScopeFactory scopes, RetentionSignal retention, IOptions<EventsOptions> options) : IOwnerStorageQuota
{
    /// <summary>How far over quota an owner may get before ingest is refused (retention has not caught up).</summary>
    public const double RefusalMargin = 0.10;

    /// <summary>The per-owner quota in bytes, or null when storage is not limited.</summary>
    public static async Task<long?> QuotaAsync(VigilDbContext db, EventsOptions options, CancellationToken cancellationToken)
    {
        if (options.MaxStorageBytesPerOwner > 0)
        {
            return options.MaxStorageBytesPerOwner;
        }

        if (options.MaxStorageBytes <= 0)
        {
            return null;
        }

        var owners = await db.Cameras.Select(c => c.OwnerId).Union(db.Events.Select(e => e.OwnerId)).Distinct().CountAsync(cancellationToken);
        return options.MaxStorageBytes / Math.Max(1, owners);
    }

    public async Task<string?> RefusalAsync(Guid ownerId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
        if (await QuotaAsync(db, options.Value, cancellationToken) is not { } quota)
        {
            return null;
        }

        var used = await db.Events.Where(e => e.OwnerId == ownerId).SumAsync(e => (long?)e.StoredBytes, cancellationToken) ?? 0;
        if (used <= quota)
        {
            return null;
        }

        retention.Request();
        return used > quota + (long)(quota * RefusalMargin)
            ? $"the owner's events take {used} bytes, over their storage quota of {quota} bytes; their oldest events are being deleted, try again later"
            : null;
    }
}

/// <summary>Wakes the retention service before its next interval (an owner went over quota).</summary>
internal sealed class RetentionSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes at the next <see cref="Request"/>; take it before a run so a request during the run is not lost.</summary>
    public Task Next => Volatile.Read(ref _next).Task;

    public void Request() => Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
