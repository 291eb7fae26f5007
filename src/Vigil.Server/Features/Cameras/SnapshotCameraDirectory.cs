using Microsoft.EntityFrameworkCore;
using Vigil.Server.Storage;

namespace Vigil.Server.Features.Cameras;

/// <summary>Creates snapshot cameras and recognises them by their SMTP credentials, ingest address or upload token.</summary>
internal sealed class SnapshotCameraDirectory(VigilDbContext db, ISnapshotIngestEndpoints ingest, TimeProvider time)
{
    public string Domain => ingest.AddressDomain;

    /// <summary>A new camera of the account <paramref name="ownerId"/> (callers resolve e-mail addresses with <c>IUserDirectory</c>), or why not.</summary>
    public async Task<CameraResult<CameraCredentials>> AddAsync(Guid ownerId, string name, CancellationToken cancellationToken)
    {
        name = name.Trim();
        if (CameraRules.NameProblem(name) is { } problem)
        {
            return CameraResult<CameraCredentials>.Refused(CameraOutcome.InvalidName, problem);
        }

        if (await db.SnapshotCameras.AnyAsync(c => c.OwnerId == ownerId && c.Name == name, cancellationToken))
        {
            return CameraResult<CameraCredentials>.Refused(CameraOutcome.DuplicateName);
        }

        var password = CameraRules.NewSecret();
        var ingestToken = CameraRules.NewSecret();
        var uploadToken = CameraRules.NewSecret();
        var camera = new SnapshotCamera
        {
            Id = Guid.CreateVersion7(time.GetUtcNow()),
            Name = name,
            OwnerId = ownerId,
            SmtpUsername = "cam-" + CameraRules.NewSecret()[..10],
            SmtpPasswordHash = CameraRules.Hash(password),
            IngestTokenHash = CameraRules.Hash(ingestToken),
            UploadTokenHash = CameraRules.Hash(uploadToken),
            CreatedAt = time.GetUtcNow(),
        };
        db.SnapshotCameras.Add(camera);
        await db.SaveChangesAsync(cancellationToken);
        return CameraResult<CameraCredentials>.Done(new CameraCredentials(Identity(camera), camera.SmtpUsername, password, $"{ingestToken}@{Domain}", uploadToken));
    }

    /// <summary>Issues new secrets for a camera; the old ones stop working at once.</summary>
    public async Task<CameraResult<CameraCredentials>> RotateAsync(string nameOrId, Guid? ownerId, CancellationToken cancellationToken)
    {
        var (outcome, camera, problem) = await FindAsync(nameOrId, ownerId, cancellationToken);
        if (camera is null)
        {
            return CameraResult<CameraCredentials>.Refused(outcome, problem);
        }

        var password = CameraRules.NewSecret();
        var ingestToken = CameraRules.NewSecret();
        var uploadToken = CameraRules.NewSecret();
        camera.SmtpPasswordHash = CameraRules.Hash(password);
        camera.IngestTokenHash = CameraRules.Hash(ingestToken);
        camera.UploadTokenHash = CameraRules.Hash(uploadToken);
        await db.SaveChangesAsync(cancellationToken);
        return CameraResult<CameraCredentials>.Done(new CameraCredentials(Identity(camera), camera.SmtpUsername, password, $"{ingestToken}@{Domain}", uploadToken));
    }

    public async Task<CameraResult<CameraIdentity>> RemoveAsync(string nameOrId, Guid? ownerId, CancellationToken cancellationToken)
    {
        var (outcome, camera, problem) = await FindAsync(nameOrId, ownerId, cancellationToken);
        if (camera is null)
        {
            return CameraResult<CameraIdentity>.Refused(outcome, problem);
        }

        db.SnapshotCameras.Remove(camera);
        await db.SaveChangesAsync(cancellationToken);
        return CameraResult<CameraIdentity>.Done(Identity(camera));
    }

    public async Task<IReadOnlyList<SnapshotCamera>> ListAsync(Guid? ownerId, CancellationToken cancellationToken)
    {
        var query = db.SnapshotCameras.AsNoTracking();
        if (ownerId is { } owner)
        {
            query = query.Where(c => c.OwnerId == owner);
        }

        return await query.OrderBy(c => c.OwnerId).ThenBy(c => c.Name).ThenBy(c => c.Id).ToListAsync(cancellationToken);
    }

    public async Task<CameraIdentity?> FindBySmtpCredentialsAsync(string username, string password, CancellationToken cancellationToken)
    {
        var camera = await db.SnapshotCameras.AsNoTracking().SingleOrDefaultAsync(c => c.SmtpUsername == username, cancellationToken);
        return camera is not null && CameraRules.Matches(password, camera.SmtpPasswordHash) ? Identity(camera) : null;
    }

    /// <summary>The camera whose private ingest address is <paramref name="address"/>, or null (also for another domain).</summary>
    public async Task<CameraIdentity?> FindByIngestAddressAsync(string address, CancellationToken cancellationToken)
    {
        var at = address.LastIndexOf('@');
        if (at <= 0 || !string.Equals(address[(at + 1)..], Domain, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var hash = CameraRules.Hash(address[..at].ToLowerInvariant());
        var camera = await db.SnapshotCameras.AsNoTracking().SingleOrDefaultAsync(c => c.IngestTokenHash == hash, cancellationToken);
        return camera is null ? null : Identity(camera);
    }

    public bool IsIngestDomain(string address)
    {
        var at = address.LastIndexOf('@');
        return at > 0 && string.Equals(address[(at + 1)..], Domain, StringComparison.OrdinalIgnoreCase);
    }

    public async Task<CameraIdentity?> FindByUploadTokenAsync(string token, CancellationToken cancellationToken)
    {
        var hash = CameraRules.Hash(token);
        var camera = await db.SnapshotCameras.AsNoTracking().SingleOrDefaultAsync(c => c.UploadTokenHash == hash, cancellationToken);
        return camera is null ? null : Identity(camera);
    }

    /// <summary>The one camera <paramref name="nameOrId"/> names (NotFound, or Ambiguous when several of different owners share the name).</summary>
    private async Task<(CameraOutcome Outcome, SnapshotCamera? Camera, string? Problem)> FindAsync(string nameOrId, Guid? ownerId, CancellationToken cancellationToken)
    {
        var query = db.SnapshotCameras.AsQueryable();
        if (ownerId is { } owner)
        {
            query = query.Where(c => c.OwnerId == owner);
        }

        var matches = Guid.TryParse(nameOrId, out var id)
            ? await query.Where(c => c.Id == id).ToListAsync(cancellationToken)
            : await query.Where(c => c.Name == nameOrId).ToListAsync(cancellationToken);
        return matches.Count switch
        {
            1 => (CameraOutcome.Done, matches[0], null),
            0 => (CameraOutcome.NotFound, null, null),
            _ => (CameraOutcome.Ambiguous, null, $"{matches.Count} cameras are named '{nameOrId}'"),
        };
    }

    private static CameraIdentity Identity(SnapshotCamera camera) => new(camera.Id, camera.Name, camera.OwnerId);
}
