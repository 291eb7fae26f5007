using Microsoft.EntityFrameworkCore;
using Vigil.Server.Hosting;
using Vigil.Server.Storage;

namespace Vigil.Server.Features.Devices;

/// <summary>Reads and revokes manufacturing-registry entries; imports go through <see cref="RegistryImporter"/>.</summary>
internal sealed partial class ManufacturingRegistry(VigilDbContext db, DeviceSecretHasher hasher, TimeProvider time, ILogger<ManufacturingRegistry> logger)
{
    /// <summary>Compared against when the serial is unknown, so that both failures cost one look-up and one HMAC.</summary>
    private static readonly byte[] DecoyHash = new byte[32];

    public IAsyncEnumerable<RegistryEntry> ListAsync() =>
        db.RegistryEntries.AsNoTracking().OrderBy(e => e.Serial).AsAsyncEnumerable();

    public Task<RegistryEntry?> FindAsync(string serial, CancellationToken cancellationToken) =>
        db.RegistryEntries.AsNoTracking().SingleOrDefaultAsync(e => e.Serial == serial, cancellationToken);

    /// <summary>
    /// Checks that <paramref name="secret"/> is the secret of <paramref name="serial"/> (keyed hash,
    /// compared in constant time). An unknown serial does the same work as a known one (one
    /// look-up by key, one HMAC, one constant-time comparison) and gets the same answer as a wrong
    /// secret, so neither the answer nor its time tells which serials exist.
    /// </summary>
    public async Task<SecretCheck> CheckSecretAsync(string serial, string secret, CancellationToken cancellationToken)
    {
        var entry = await db.RegistryEntries.AsNoTracking()
            .Where(e => e.Serial == serial)
            .Select(e => new { e.SecretHash, e.RevokedAt })
            .SingleOrDefaultAsync(cancellationToken);
        var matches = hasher.Verify(serial, secret, entry?.SecretHash ?? DecoyHash);
        return !matches || entry is null ? SecretCheck.WrongSerialOrSecret
            : entry.RevokedAt is not null ? SecretCheck.Revoked
            : SecretCheck.Valid;
    }

    public async Task<RevokeOutcome> RevokeAsync(string serial, CancellationToken cancellationToken)
    {
        var entry = await db.RegistryEntries.SingleOrDefaultAsync(e => e.Serial == serial, cancellationToken);
        if (entry is null)
        {
            return RevokeOutcome.NotFound;
        }

        if (entry.RevokedAt is not null)
        {
            return RevokeOutcome.AlreadyRevoked;
        }

        entry.RevokedAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        Log.Revoked(logger, serial);
        return RevokeOutcome.Revoked;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 301, Level = LogLevel.Information, Message = "Registry entry {Serial} revoked")]
        public static partial void Revoked(ILogger logger, string serial);
    }
}
