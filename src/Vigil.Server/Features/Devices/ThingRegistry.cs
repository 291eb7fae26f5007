using Microsoft.EntityFrameworkCore;
using Vigil.Server.Features.Cluster;
using Vigil.Server.Features.Pki;
using Vigil.Server.Hosting;
using Vigil.Server.Storage;

namespace Vigil.Server.Features.Devices;

/// <summary>
/// The one place that reads and writes things: fleet provisioning stores them, presence marks them
/// online and offline, operators list and revoke them.
/// </summary>
internal sealed partial class ThingRegistry(
    VigilDbContext db,
    CertificateRegistry certificates,
    RevocationNotice revocations,
    IEnumerable<IThingRevocationObserver> revocationObservers,
    TimeProvider time,
    ILogger<ThingRegistry> logger)
{
    // Keeps IN (...) lists well below every provider's parameter limit.
    private const int HeartbeatBatch = 500;

    public async Task<List<ThingView>> ListAsync(CancellationToken cancellationToken)
    {
        var things = await db.Things.AsNoTracking().OrderBy(t => t.Name).ToListAsync(cancellationToken);
        var statuses = (await certificates.ListAsync(CertificateKind.Device, cancellationToken)).ToDictionary(c => c.Id, c => c.Status, StringComparer.Ordinal);
        return [.. things.Select(t => new ThingView(t, statuses.TryGetValue(t.CertificateId, out var s) ? s : null))];
    }

    public Task<Thing?> FindAsync(string name, CancellationToken cancellationToken) =>
        db.Things.AsNoTracking().SingleOrDefaultAsync(t => t.Name == name, cancellationToken);

    public Task<Thing?> FindBySerialAsync(string serial, CancellationToken cancellationToken) =>
        db.Things.AsNoTracking().SingleOrDefaultAsync(t => t.Serial == serial, cancellationToken);

    /// <summary>The things of these serial numbers, by serial (a serial nothing provisioned yet is absent).</summary>
    public async Task<Dictionary<string, Thing>> FindBySerialsAsync(IReadOnlyCollection<string> serials, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, Thing>(StringComparer.Ordinal);
        foreach (var batch in serials.Distinct().Chunk(HeartbeatBatch))
        {
            foreach (var thing in await db.Things.AsNoTracking().Where(t => batch.Contains(t.Serial)).ToListAsync(cancellationToken))
            {
                found[thing.Serial] = thing;
            }
        }

        return found;
    }

    /// <summary>Things whose presence changed at or after <paramref name="since"/>, oldest change first.</summary>
    public Task<List<Thing>> PresenceChangedSinceAsync(DateTimeOffset since, CancellationToken cancellationToken) =>
        db.Things.AsNoTracking()
            .Where(t => t.PresenceChangedAt != null && t.PresenceChangedAt >= since)
            .OrderBy(t => t.PresenceChangedAt)
            .ToListAsync(cancellationToken);

    /// <summary>
    /// Stores a thing fleet provisioning registered, new or again (which clears a revocation), in
    /// the caller's transaction if there is one. False when another connection stored a thing of
    /// that name at this moment (the unique key settles the race; nothing is written).
    /// </summary>
    public async Task<bool> TryStoreProvisionedAsync(ProvisionedThing provisioned, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var thing = await db.Things.SingleOrDefaultAsync(t => t.Name == provisioned.Name, cancellationToken);
        if (thing is null)
        {
            db.Things.Add(new Thing
            {
                Name = provisioned.Name,
                Serial = provisioned.Serial,
                ThingTypeName = provisioned.ThingTypeName,
                AttributesJson = provisioned.AttributesJson,
                ThingGroupsJson = provisioned.ThingGroupsJson,
                Template = provisioned.Template,
                CertificateId = provisioned.CertificateId,
                CreatedAt = now,
                UpdatedAt = now,
            });
        }
        else
        {
            thing.Serial = provisioned.Serial;
            thing.ThingTypeName = provisioned.ThingTypeName;
            thing.AttributesJson = provisioned.AttributesJson;
            thing.ThingGroupsJson = provisioned.ThingGroupsJson;
            thing.Template = provisioned.Template;
            thing.CertificateId = provisioned.CertificateId;
            thing.RevokedAt = null;
            thing.UpdatedAt = now;
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            return false;
        }
    }

    /// <summary>
    /// Marks a thing connected now and returns its new presence version (0 for an unknown thing).
    /// Presence is rebuilt by the heartbeat after a power failure, so it does not wait for the disk
    /// (see <see cref="RelaxedDurability"/>); so do the other presence writes below.
    /// </summary>
    /// <remarks>
    /// The increment and the read are one transaction: the update holds the row until the commit, so two nodes
    /// connecting the same thing at once each read their own version, and the older connection's disconnect
    /// cannot match (and clear) the newer one's.
    /// </remarks>
    public Task<long> MarkConnectedAsync(string name, DateTimeOffset at, CancellationToken cancellationToken) =>
        db.WithoutWaitingForDiskAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await db.Things.Where(t => t.Name == name).ExecuteUpdateAsync(
                set => set.SetProperty(t => t.Online, true).SetProperty(t => t.LastSeen, at).SetProperty(t => t.PresenceChangedAt, at).SetProperty(t => t.PresenceVersion, t => t.PresenceVersion + 1),
                cancellationToken);
            var version = await db.Things.Where(t => t.Name == name).Select(t => t.PresenceVersion).SingleOrDefaultAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return version;
        });

    /// <summary>
    /// Marks a thing disconnected, but only if <paramref name="version"/> is still its presence
    /// version: a newer connection (here or on another node) has a higher one and stays online.
    /// </summary>
    public Task<int> MarkDisconnectedAsync(string name, long version, DateTimeOffset at, CancellationToken cancellationToken) =>
        db.WithoutWaitingForDiskAsync(() => db.Things.Where(t => t.Name == name && t.PresenceVersion == version).ExecuteUpdateAsync(
            set => set.SetProperty(t => t.Online, false).SetProperty(t => t.LastSeen, at).SetProperty(t => t.PresenceChangedAt, at),
            cancellationToken));

    /// <summary>
    /// The presence heartbeat of one node: <c>lastSeen</c> of the things connected to it becomes
    /// <paramref name="now"/>, and things still online whose <c>lastSeen</c> is older than
    /// <paramref name="staleBefore"/> (their node stopped beating) are marked offline; returns how many.
    /// </summary>
    public Task<int> HeartbeatAsync(IReadOnlyCollection<string> connected, DateTimeOffset now, DateTimeOffset staleBefore, CancellationToken cancellationToken) =>
        db.WithoutWaitingForDiskAsync(async () =>
        {
            foreach (var batch in connected.Chunk(HeartbeatBatch))
            {
                await db.Things.Where(t => batch.Contains(t.Name) && t.Online).ExecuteUpdateAsync(set => set.SetProperty(t => t.LastSeen, now), cancellationToken);
            }

            return await db.Things.Where(t => t.Online && (t.LastSeen == null || t.LastSeen < staleBefore))
                .ExecuteUpdateAsync(set => set.SetProperty(t => t.Online, false).SetProperty(t => t.PresenceChangedAt, now), cancellationToken);
        });

    /// <summary>
    /// Revokes the thing's certificate (and any other certificate issued to it) and marks it
    /// revoked; what <see cref="IThingRevocationObserver"/>s remove goes in the same transaction. Every node drops its MQTT and signaling connections at once on the <see cref="RevocationNotice"/>,
    /// and within <c>Provisioning:CertificateRecheckInterval</c> if the notice is lost, whichever process ran this.
    /// </summary>
    public async Task<RevokeOutcome> RevokeAsync(string name, CancellationToken cancellationToken)
    {
        var thing = await db.Things.SingleOrDefaultAsync(t => t.Name == name, cancellationToken);
        if (thing is null)
        {
            return RevokeOutcome.NotFound;
        }

        var issued = await certificates.UnrevokedDeviceCertificatesAsync(name, thing.CertificateId, cancellationToken);
        if (thing.RevokedAt is not null && issued.Count == 0)
        {
            return RevokeOutcome.AlreadyRevoked;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        foreach (var id in issued)
        {
            await certificates.SetStatusAsync(id, CertificateStatus.Revoked, cancellationToken);
        }

        thing.RevokedAt ??= time.GetUtcNow();
        thing.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        foreach (var observer in revocationObservers)
        {
            await observer.OnThingRevokedAsync(name, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        Log.Revoked(logger, name, issued.Count);
        await revocations.AnnounceAsync(cancellationToken);
        return RevokeOutcome.Revoked;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 310, Level = LogLevel.Information, Message = "Thing {ThingName} revoked ({Count} certificate(s) revoked)")]
        public static partial void Revoked(ILogger logger, string thingName, int count);
    }
}
