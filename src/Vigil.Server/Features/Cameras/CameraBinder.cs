using Microsoft.EntityFrameworkCore;
using Vigil.Server.Features.Devices;
using Vigil.Server.Storage;

namespace Vigil.Server.Features.Cameras;

/// <summary>
/// Binding (the reference design's "binding users to cameras"): a signed-in user proves a camera is
/// theirs with its serial number and the secret printed on it. The order of the steps is the
/// security of it: the limits first (a throttled caller learns nothing, right secret or not), then
/// the secret (an unknown serial and a wrong secret do the same work and get one answer), and only
/// after a right secret anything about the camera (revoked, or owned by someone else). Binding
/// needs no provisioned device: the reference web client binds first and then waits for
/// "provisioned: true".
/// </summary>
internal sealed partial class CameraBinder(
    VigilDbContext db,
    ManufacturingRegistry registry,
    BindingThrottle throttle,
    CameraDirectory cameras,
    TimeProvider time,
    ILogger<CameraBinder> logger)
{
    // Not "BindAsync": minimal APIs take a type with a BindAsync method for a custom-bound parameter.
    public async Task<BindResult> BindCameraAsync(Guid accountId, string serial, string secret, string? name, string? address, CancellationToken cancellationToken)
    {
        if (await throttle.RetryAfterAsync(accountId, serial, cancellationToken) is { } wait)
        {
            Log.Throttled(logger, accountId, address ?? "-", serial, wait);
            return new BindResult(BindOutcome.TooManyAttempts, RetryAfter: wait);
        }

        var check = await registry.CheckSecretAsync(serial, secret, cancellationToken);
        if (check == SecretCheck.WrongSerialOrSecret)
        {
            await throttle.RecordFailureAsync(accountId, serial, address, cancellationToken);
            Log.Failed(logger, accountId, address ?? "-", serial);
            return new BindResult(BindOutcome.WrongSerialOrSecret);
        }

        if (check == SecretCheck.Revoked)
        {
            Log.RevokedSerial(logger, accountId, serial);
            return new BindResult(BindOutcome.Revoked);
        }

        var existing = await db.Cameras.AsNoTracking().SingleOrDefaultAsync(c => c.Serial == serial, cancellationToken);
        if (existing is not null)
        {
            if (existing.OwnerId != accountId)
            {
                Log.AlreadyBound(logger, accountId, serial);
                return new BindResult(BindOutcome.AlreadyBound);
            }

            return new BindResult(BindOutcome.Bound, (await cameras.DetailsAsync([existing], cancellationToken))[0]);
        }

        var cameraName = (name ?? serial).Trim();
        if (CameraRules.NameProblem(cameraName) is { } problem)
        {
            return new BindResult(BindOutcome.InvalidName, Problem: problem);
        }

        if (await db.Cameras.AnyAsync(c => c.OwnerId == accountId && c.Name == cameraName, cancellationToken))
        {
            if (name is not null)
            {
                return new BindResult(BindOutcome.InvalidName, Problem: $"you already have a camera named '{cameraName}'");
            }

            // The serial as a default name collides only with a snapshot camera someone named so.
            cameraName = await FreeNameAsync(accountId, cameraName, cancellationToken);
        }

        var now = time.GetUtcNow();
        var camera = new Camera { Id = Guid.CreateVersion7(now), Name = cameraName, OwnerId = accountId, Serial = serial, CreatedAt = now };
        db.Cameras.Add(camera);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Someone bound this serial (or took this name) at the same moment: the unique indexes decide.
            db.ChangeTracker.Clear();
            var winner = await db.Cameras.AsNoTracking().SingleOrDefaultAsync(c => c.Serial == serial, cancellationToken);
            return winner is null ? new BindResult(BindOutcome.InvalidName, Problem: $"you already have a camera named '{cameraName}'")
                : winner.OwnerId == accountId ? new BindResult(BindOutcome.Bound, (await cameras.DetailsAsync([winner], cancellationToken))[0])
                : new BindResult(BindOutcome.AlreadyBound);
        }

        Log.Bound(logger, serial, accountId, address ?? "-");
        return new BindResult(BindOutcome.Bound, (await cameras.DetailsAsync([camera], cancellationToken))[0], Created: true);
    }

    private async Task<string> FreeNameAsync(Guid accountId, string name, CancellationToken cancellationToken)
    {
        var taken = (await db.Cameras.AsNoTracking().Where(c => c.OwnerId == accountId && c.Name.StartsWith(name)).Select(c => c.Name).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
        for (var i = 2; ; i++)
        {
            var candidate = $"{name} ({i})";
            if (candidate.Length > CameraRules.NameMaxLength)
            {
                candidate = $"{name[..(CameraRules.NameMaxLength - $" ({i})".Length)]} ({i})";
            }

            if (!taken.Contains(candidate))
            {
                return candidate;
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 8001, Level = LogLevel.Information, Message = "Camera {Serial} bound to account {AccountId} (from {Address})")]
        public static partial void Bound(ILogger logger, string serial, Guid accountId, string address);

        // The serial is logged as presented: it is what an attacker guessed, not a secret.
        [LoggerMessage(EventId = 8002, Level = LogLevel.Warning, Message = "Bind attempt by account {AccountId} from {Address} failed: wrong serial number or secret (serial {Serial})")]
        public static partial void Failed(ILogger logger, Guid accountId, string address, string serial);

        [LoggerMessage(EventId = 8003, Level = LogLevel.Warning, Message = "Bind attempt by account {AccountId} from {Address} refused: too many failed attempts (serial {Serial}); retry after {Wait}")]
        public static partial void Throttled(ILogger logger, Guid accountId, string address, string serial, TimeSpan wait);

        [LoggerMessage(EventId = 8004, Level = LogLevel.Information, Message = "Bind of camera {Serial} by account {AccountId} refused: another account owns it")]
        public static partial void AlreadyBound(ILogger logger, Guid accountId, string serial);

        [LoggerMessage(EventId = 8005, Level = LogLevel.Information, Message = "Bind of camera {Serial} by account {AccountId} refused: the serial was revoked")]
        public static partial void RevokedSerial(ILogger logger, Guid accountId, string serial);
    }
}
