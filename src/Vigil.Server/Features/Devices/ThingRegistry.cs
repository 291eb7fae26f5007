using Microsoft.EntityFrameworkCore;
using Vigil.Server.Features.Pki;
using Vigil.Server.Storage;

namespace Vigil.Server.Features.Devices;

/// <summary>Reads and revokes things. Fleet provisioning creates them.</summary>
internal sealed partial class ThingRegistry(VigilDbContext db, CertificateRegistry certificates, TimeProvider time, ILogger<ThingRegistry> logger)
{
    public async Task<List<ThingView>> ListAsync(CancellationToken cancellationToken)
    {
        var things = await db.Things.AsNoTracking().OrderBy(t => t.Name).ToListAsync(cancellationToken);
        var statuses = (await certificates.ListAsync(CertificateKind.Device, cancellationToken)).ToDictionary(c => c.Id, c => c.Status, StringComparer.Ordinal);
        return [.. things.Select(t => new ThingView(t, statuses.TryGetValue(t.CertificateId, out var s) ? s : null))];
    }

    public Task<Thing?> FindAsync(string name, CancellationToken cancellationToken) =>
        db.Things.AsNoTracking().SingleOrDefaultAsync(t => t.Name == name, cancellationToken);

    /// <summary>
    /// Revokes the thing's certificate (and any other certificate issued to it) and marks it
    /// revoked. A server holding its MQTT connection drops it within
    /// <c>Provisioning:CertificateRecheckInterval</c>, whichever process ran this.
    /// </summary>
    public async Task<ThingRevokeOutcome> RevokeAsync(string name, CancellationToken cancellationToken)
    {
        var thing = await db.Things.SingleOrDefaultAsync(t => t.Name == name, cancellationToken);
        if (thing is null)
        {
            return ThingRevokeOutcome.NotFound;
        }

        var issued = await db.Certificates.AsNoTracking()
            .Where(c => c.Kind == CertificateKind.Device && (c.Id == thing.CertificateId || c.ThingName == name) && c.Status != CertificateStatus.Revoked)
            .Select(c => c.Id)
            .ToListAsync(cancellationToken);
        if (thing.RevokedAt is not null && issued.Count == 0)
        {
            return ThingRevokeOutcome.AlreadyRevoked;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        foreach (var id in issued)
        {
            await certificates.SetStatusAsync(id, CertificateStatus.Revoked, cancellationToken);
        }

        thing.RevokedAt ??= time.GetUtcNow();
        thing.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        Log.Revoked(logger, name, issued.Count);
        return ThingRevokeOutcome.Revoked;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 310, Level = LogLevel.Information, Message = "Thing {ThingName} revoked ({Count} certificate(s) revoked)")]
        public static partial void Revoked(ILogger logger, string thingName, int count);
    }
}
