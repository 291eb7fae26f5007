using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Vigil.Server.Storage;

namespace Vigil.Server.Features.Cameras;

/// <summary>
/// Cameras as senders of pictures: creates snapshot cameras, issues and rotates snapshot-ingest
/// credentials (also for a live camera), and recognises a sender by its SMTP credentials, ingest
/// address or upload token.
/// </summary>
internal sealed class SnapshotCameraDirectory(VigilDbContext db, ISnapshotIngestEndpoints ingest, IOptions<CamerasOptions> options, TimeProvider time)
{
    public string Domain => ingest.AddressDomain;

    /// <summary>A new snapshot camera of the account <paramref name="ownerId"/> (callers resolve e-mail addresses with <c>IUserDirectory</c>), or why not.</summary>
    public async Task<CameraResult<CameraCredentials>> AddAsync(Guid ownerId, string name, CancellationToken cancellationToken)
    {
        name = name.Trim();
        if (CameraRules.NameProblem(name) is { } problem)
        {
            return CameraResult<CameraCredentials>.Refused(CameraOutcome.InvalidName, problem);
        }

        if (await db.Cameras.AnyAsync(c => c.OwnerId == ownerId && c.Name == name, cancellationToken))
        {
            return CameraResult<CameraCredentials>.Refused(CameraOutcome.DuplicateName);
        }

        var limit = options.Value.MaxSnapshotCamerasPerOwner;
        if (await db.Cameras.CountAsync(c => c.OwnerId == ownerId && c.Serial == null, cancellationToken) >= limit)
        {
            return CameraResult<CameraCredentials>.Refused(CameraOutcome.LimitReached, $"the owner already has {limit} snapshot cameras, the most Cameras:MaxSnapshotCamerasPerOwner allows");
        }

        var camera = new Camera
        {
            Id = Guid.CreateVersion7(time.GetUtcNow()),
            Name = name,
            OwnerId = ownerId,
            CreatedAt = time.GetUtcNow(),
        };
        var credentials = Issue(camera);
        db.Cameras.Add(camera);
        await db.SaveChangesAsync(cancellationToken);
        return CameraResult<CameraCredentials>.Done(credentials);
    }

    /// <summary>
    /// Issues new snapshot-ingest secrets for a camera of either kind; a camera that had some stops
    /// accepting the old ones at once, a live camera that had none can send pictures from now on.
    /// </summary>
    public async Task<CameraResult<CameraCredentials>> RotateAsync(string nameOrId, Guid? ownerId, CancellationToken cancellationToken)
    {
        var (outcome, camera, problem) = await CameraLookup.FindAsync(db.Cameras, nameOrId, ownerId, cancellationToken);
        if (camera is null)
        {
            return CameraResult<CameraCredentials>.Refused(outcome, problem);
        }

        var credentials = Issue(camera);
        await db.SaveChangesAsync(cancellationToken);
        return CameraResult<CameraCredentials>.Done(credentials);
    }

    /// <summary>The cameras that can send pictures (those with snapshot-ingest credentials), of one owner or of all.</summary>
    public async Task<IReadOnlyList<Camera>> ListAsync(Guid? ownerId, CancellationToken cancellationToken)
    {
        var query = db.Cameras.AsNoTracking().Where(c => c.SmtpUsername != null);
        if (ownerId is { } owner)
        {
            query = query.Where(c => c.OwnerId == owner);
        }

        return await query.OrderBy(c => c.OwnerId).ThenBy(c => c.Name).ThenBy(c => c.Id).ToListAsync(cancellationToken);
    }

    public async Task<CameraIdentity?> FindBySmtpCredentialsAsync(string username, string password, CancellationToken cancellationToken)
    {
        var camera = await db.Cameras.AsNoTracking().SingleOrDefaultAsync(c => c.SmtpUsername == username, cancellationToken);
        return camera is { SmtpPasswordHash: { } hash } && CameraRules.Matches(password, hash) ? Identity(camera) : null;
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
        var camera = await db.Cameras.AsNoTracking().SingleOrDefaultAsync(c => c.IngestTokenHash == hash, cancellationToken);
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
        var camera = await db.Cameras.AsNoTracking().SingleOrDefaultAsync(c => c.UploadTokenHash == hash, cancellationToken);
        return camera is null ? null : Identity(camera);
    }

    /// <summary>New secrets on <paramref name="camera"/> (its SMTP username stays once it has one); returns them in clear, the only time they exist so.</summary>
    private CameraCredentials Issue(Camera camera)
    {
        var password = CameraRules.NewSecret();
        var ingestToken = CameraRules.NewSecret();
        var uploadToken = CameraRules.NewSecret();
        camera.SmtpUsername ??= "cam-" + CameraRules.NewSecret()[..10];
        camera.SmtpPasswordHash = CameraRules.Hash(password);
        camera.IngestTokenHash = CameraRules.Hash(ingestToken);
        camera.UploadTokenHash = CameraRules.Hash(uploadToken);
        return new CameraCredentials(Identity(camera), camera.SmtpUsername, password, $"{ingestToken}@{Domain}", uploadToken);
    }

    private static CameraIdentity Identity(Camera camera) => new(camera.Id, camera.Name, camera.OwnerId);
}
