using Microsoft.EntityFrameworkCore;
using Vigil.Server.Features.Cluster;
using Vigil.Server.Features.Devices;
using Vigil.Server.Features.Signaling;
using Vigil.Server.Storage;

namespace Vigil.Server.Features.Cameras;

/// <summary>
/// Every camera of either kind as its owner sees it: listing with presence and channel, renaming,
/// and removal (which for a live camera is unbinding: the device stays provisioned and another
/// person may bind it). Owner-scoped whenever an owner is given: another user's camera is not found.
/// </summary>
internal sealed partial class CameraDirectory(
    VigilDbContext db,
    ThingRegistry things,
    ChannelStore channels,
    RevocationNotice revocations,
    ILogger<CameraDirectory> logger)
{
    public async Task<List<CameraDetails>> ListAsync(Guid? ownerId, CancellationToken cancellationToken)
    {
        var query = db.Cameras.AsNoTracking();
        if (ownerId is { } owner)
        {
            query = query.Where(c => c.OwnerId == owner);
        }

        var cameras = await query.OrderBy(c => c.OwnerId).ThenBy(c => c.Name).ThenBy(c => c.Id).ToListAsync(cancellationToken);
        return await DetailsAsync(cameras, cancellationToken);
    }

    /// <summary>
    /// Every camera's owner, or one camera's (null when it does not exist): integrations limited to
    /// one owner check each message's camera with it. A camera's owner never changes (binding
    /// again after an unbind makes a new camera), so callers may cache what they read.
    /// </summary>
    public async Task<Dictionary<Guid, Guid>> OwnersAsync(CancellationToken cancellationToken) =>
        await db.Cameras.AsNoTracking().ToDictionaryAsync(c => c.Id, c => c.OwnerId, cancellationToken);

    /// <inheritdoc cref="OwnersAsync"/>
    public Task<Guid?> OwnerOfAsync(Guid id, CancellationToken cancellationToken) =>
        db.Cameras.AsNoTracking().Where(c => c.Id == id).Select(c => (Guid?)c.OwnerId).SingleOrDefaultAsync(cancellationToken);

    public async Task<CameraDetails?> FindAsync(Guid id, Guid ownerId, CancellationToken cancellationToken)
    {
        var camera = await db.Cameras.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id && c.OwnerId == ownerId, cancellationToken);
        return camera is null ? null : (await DetailsAsync([camera], cancellationToken))[0];
    }

    public async Task<CameraDetails?> FindBySerialAsync(string serial, CancellationToken cancellationToken)
    {
        var camera = await db.Cameras.AsNoTracking().SingleOrDefaultAsync(c => c.Serial == serial, cancellationToken);
        return camera is null ? null : (await DetailsAsync([camera], cancellationToken))[0];
    }

    /// <summary>Adds presence and channel to cameras (two batched look-ups, whatever their number).</summary>
    public async Task<List<CameraDetails>> DetailsAsync(IReadOnlyList<Camera> cameras, CancellationToken cancellationToken)
    {
        var serials = cameras.Where(c => c.Serial is not null).Select(c => c.Serial!).ToList();
        var bySerial = serials.Count == 0 ? [] : await things.FindBySerialsAsync(serials, cancellationToken);
        var byName = bySerial.Count == 0 ? [] : await channels.FindByNamesAsync([.. bySerial.Values.Select(t => t.Name)], cancellationToken);
        return [.. cameras.Select(c =>
        {
            var thing = c.Serial is { } serial ? bySerial.GetValueOrDefault(serial) : null;
            var channel = thing is null ? null : byName.GetValueOrDefault(thing.Name);
            return new CameraDetails(c, thing, channel);
        })];
    }

    public async Task<CameraResult<CameraDetails>> RenameAsync(Guid id, Guid ownerId, string name, CancellationToken cancellationToken)
    {
        name = name.Trim();
        var camera = await db.Cameras.SingleOrDefaultAsync(c => c.Id == id && c.OwnerId == ownerId, cancellationToken);
        if (camera is null)
        {
            return CameraResult<CameraDetails>.Refused(CameraOutcome.NotFound);
        }

        if (CameraRules.NameProblem(name) is { } problem)
        {
            return CameraResult<CameraDetails>.Refused(CameraOutcome.InvalidName, problem);
        }

        if (camera.Name != name)
        {
            if (await db.Cameras.AnyAsync(c => c.OwnerId == ownerId && c.Name == name && c.Id != id, cancellationToken))
            {
                return CameraResult<CameraDetails>.Refused(CameraOutcome.DuplicateName);
            }

            camera.Name = name;
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                // The same name was given to another camera of this owner a moment ago (unique index).
                db.ChangeTracker.Clear();
                return CameraResult<CameraDetails>.Refused(CameraOutcome.DuplicateName);
            }
        }

        return CameraResult<CameraDetails>.Done((await DetailsAsync([camera], cancellationToken))[0]);
    }

    /// <summary>Deletes a snapshot camera, or unbinds a live one (its events stay until deleted or pruned).</summary>
    public async Task<CameraResult<Camera>> RemoveAsync(string nameOrId, Guid? ownerId, CancellationToken cancellationToken)
    {
        var (outcome, camera, problem) = await CameraLookup.FindAsync(db.Cameras, nameOrId, ownerId, cancellationToken);
        return camera is null ? CameraResult<Camera>.Refused(outcome, problem) : await RemoveAsync(camera, cancellationToken);
    }

    /// <summary>Unbinds the live camera with this serial from whoever owns it (the operator's command, for resale and support).</summary>
    public async Task<CameraResult<Camera>> UnbindAsync(string serial, CancellationToken cancellationToken)
    {
        var camera = await db.Cameras.SingleOrDefaultAsync(c => c.Serial == serial, cancellationToken);
        return camera is null ? CameraResult<Camera>.Refused(CameraOutcome.NotFound) : await RemoveAsync(camera, cancellationToken);
    }

    private async Task<CameraResult<Camera>> RemoveAsync(Camera camera, CancellationToken cancellationToken)
    {
        db.Cameras.Remove(camera);
        await db.SaveChangesAsync(cancellationToken);
        if (camera.Serial is { } serial)
        {
            Log.Unbound(logger, serial, camera.OwnerId);
            // The former owner's viewers lose the camera's channel on every node.
            await revocations.AnnounceAsync(cancellationToken);
        }

        return CameraResult<Camera>.Done(camera);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 8010, Level = LogLevel.Information, Message = "Camera {Serial} unbound from account {AccountId}")]
        public static partial void Unbound(ILogger logger, string serial, Guid accountId);
    }
}
