using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Vigil.Server.Storage;

namespace Vigil.Server.Features.Cameras;

/// <summary>
/// Anti-guessing for binding: failed attempts are counted per serial (from any account) and per
/// account (on any serial) over sliding windows (<see cref="CamerasOptions"/>). Past either limit
/// every attempt is refused, right secret or not, until the oldest failure in the window is old
/// enough; that time is the Retry-After. The limit of a serial under attack therefore ends by
/// itself: its real owner waits at most one window.
/// </summary>
internal sealed class BindingThrottle(VigilDbContext db, IOptions<CamerasOptions> options, TimeProvider time)
{
    /// <summary>How long the caller must wait, or null when it may try now.</summary>
    public async Task<TimeSpan?> RetryAfterAsync(Guid accountId, string serial, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = time.GetUtcNow();
        var bySerial = await WaitAsync(db.Set<BindingFailure>().Where(f => f.Serial == serial), settings.BindFailuresPerSerial, settings.BindFailureWindowPerSerial, now, cancellationToken);
        var byAccount = await WaitAsync(db.Set<BindingFailure>().Where(f => f.AccountId == accountId), settings.BindFailuresPerAccount, settings.BindFailureWindowPerAccount, now, cancellationToken);
        return (bySerial, byAccount) switch
        {
            (null, null) => null,
            ({ } a, { } b) => a > b ? a : b,
            _ => bySerial ?? byAccount,
        };
    }

    public async Task RecordFailureAsync(Guid accountId, string serial, string? address, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var settings = options.Value;
        var keep = settings.BindFailureWindowPerSerial > settings.BindFailureWindowPerAccount ? settings.BindFailureWindowPerSerial : settings.BindFailureWindowPerAccount;
        db.Set<BindingFailure>().Add(new BindingFailure { Id = Guid.CreateVersion7(now), AccountId = accountId, Serial = serial, Address = address, At = now });
        await db.SaveChangesAsync(cancellationToken);
        db.ChangeTracker.Clear();
        // Nothing older than the longer window is ever counted again.
        var cutoff = now - keep;
        await db.Set<BindingFailure>().Where(f => f.At < cutoff).ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>
    /// With <paramref name="limit"/> or more failures in the window, the time until the oldest
    /// failure that keeps the count at the limit leaves it.
    /// </summary>
    private static async Task<TimeSpan?> WaitAsync(IQueryable<BindingFailure> failures, int limit, TimeSpan window, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var since = now - window;
        var recent = await failures.Where(f => f.At > since)
            .OrderByDescending(f => f.At)
            .Select(f => f.At)
            .Take(limit)
            .ToListAsync(cancellationToken);
        if (recent.Count < limit)
        {
            return null;
        }

        // Once the limit-th most recent failure leaves the window, fewer than the limit remain.
        var wait = recent[^1] + window - now;
        return wait > TimeSpan.Zero ? wait : TimeSpan.FromSeconds(1);
    }
}
