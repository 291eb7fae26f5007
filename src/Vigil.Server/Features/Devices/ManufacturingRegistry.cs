using Microsoft.EntityFrameworkCore;
using Vigil.Server.Hosting;
using Vigil.Server.Storage;

namespace Vigil.Server.Features.Devices;

/// <summary>Reads and revokes manufacturing-registry entries; imports go through <see cref="RegistryImporter"/>.</summary>
internal sealed partial class ManufacturingRegistry(VigilDbContext db, TimeProvider time, ILogger<ManufacturingRegistry> logger)
{
    public IAsyncEnumerable<RegistryEntry> ListAsync() =>
        db.RegistryEntries.AsNoTracking().OrderBy(e => e.Serial).AsAsyncEnumerable();

    public Task<RegistryEntry?> FindAsync(string serial, CancellationToken cancellationToken) =>
        db.RegistryEntries.AsNoTracking().SingleOrDefaultAsync(e => e.Serial == serial, cancellationToken);

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
