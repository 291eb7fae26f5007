using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Vigil.Server.Features.Cluster;
using Vigil.Server.Features.Credentials.Policies;
using Vigil.Server.Features.Identity;
using Vigil.Server.Hosting;
using Vigil.Server.Storage;

namespace Vigil.Server.Features.Credentials;

/// <summary>Creates, lists, revokes and (for SigV4 verification) resolves long-term access keys of accounts.</summary>
internal sealed partial class AccessKeyStore(VigilDbContext db, IUserDirectory users, IDataProtectionProvider protection, RevocationNotice revocations, TimeProvider time, ILogger<AccessKeyStore> logger)
{
    public const string Purpose = "Vigil.Credentials.AccessKeySecret.v1";
    public const int MaxDescriptionLength = 256;

    /// <summary>
    /// The policy of a key created without one: an admin's may do everything on every channel, as an
    /// AWS administrator's key; anyone else's nothing (with kinesisvideo:* it could act as master of
    /// any camera's channel and push the camera off), until a policy says what it may do.
    /// </summary>
    public static AccessPolicy DefaultPolicy(UserSummary account) =>
        account.IsAdmin ? AccessPolicy.KinesisVideoFullAccess : AccessPolicy.NoAccess;

    public async Task<CreatedAccessKey> CreateAsync(Guid userId, AccessPolicy policy, string? description, CancellationToken cancellationToken)
    {
        if (userId == Guid.Empty)
        {
            throw new ArgumentOutOfRangeException(nameof(userId), "An account id is required.");
        }

        ArgumentNullException.ThrowIfNull(policy);
        if (description is { Length: > MaxDescriptionLength })
        {
            throw new ArgumentOutOfRangeException(nameof(description), $"At most {MaxDescriptionLength} characters.");
        }

        for (var attempt = 1; ; attempt++)
        {
            var id = AccessKeyIds.NewLongTerm();
            var secret = AccessKeyIds.NewSecret();
            var key = new AccessKey
            {
                Id = id,
                UserId = userId,
                ProtectedSecret = Protector(id).Protect(secret),
                Policy = policy.Json,
                Description = description,
                CreatedAt = time.GetUtcNow(),
            };
            db.AccessKeys.Add(key);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                db.ChangeTracker.Clear();
                Log.Created(logger, id, userId);
                return new CreatedAccessKey(key, secret);
            }
            catch (DbUpdateException) when (attempt < 3)
            {
                // 80 random bits collide essentially never; a retry costs nothing if they do.
                db.ChangeTracker.Clear();
            }
        }
    }

    public Task<List<AccessKey>> ListAsync(Guid? userId, CancellationToken cancellationToken) =>
        db.AccessKeys.AsNoTracking()
            .Where(k => userId == null || k.UserId == userId)
            .OrderBy(k => k.UserId).ThenBy(k => k.CreatedAt).ThenBy(k => k.Id)
            .ToListAsync(cancellationToken);

    public async Task<RevokeOutcome> RevokeAsync(string id, CancellationToken cancellationToken)
    {
        var key = await db.AccessKeys.SingleOrDefaultAsync(k => k.Id == id, cancellationToken);
        if (key is null)
        {
            return RevokeOutcome.NotFound;
        }

        if (key.RevokedAt is not null)
        {
            return RevokeOutcome.AlreadyRevoked;
        }

        key.RevokedAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        Log.Revoked(logger, id, key.UserId);
        await revocations.AnnounceAsync(cancellationToken);
        return RevokeOutcome.Revoked;
    }

    /// <summary>
    /// The caller behind an active key and its secret, or null when the key is unknown, revoked or
    /// unreadable, or its account is disabled or gone (read on every request, like revocation).
    /// </summary>
    public async Task<(CallerIdentity Caller, string Secret)?> ResolveAsync(string id, CancellationToken cancellationToken)
    {
        var key = await db.AccessKeys.AsNoTracking().SingleOrDefaultAsync(k => k.Id == id, cancellationToken);
        if (key is null || key.RevokedAt is not null)
        {
            return null;
        }

        string secret;
        try
        {
            secret = Protector(id).Unprotect(key.ProtectedSecret);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            // The Data Protection key ring that encrypted it is gone (keys/ lost or not shared with this node).
            Log.SecretUnreadable(logger, id);
            return null;
        }

        var account = await users.FindByIdAsync(key.UserId, cancellationToken);
        if (account is null || account.IsDisabled)
        {
            Log.AccountInactive(logger, id, key.UserId);
            return null;
        }

        var caller = new CallerIdentity(CredentialPrincipal.User(account.Email, account.Id), id, AccessPolicy.ParseNormalized(key.Policy), null, null, account.IsAdmin);
        return (caller, secret);
    }

    private IDataProtector Protector(string id) => protection.CreateProtector(Purpose, id);

    private static partial class Log
    {
        [LoggerMessage(EventId = 4010, Level = LogLevel.Information, Message = "Access key {AccessKeyId} created for account {UserId}")]
        public static partial void Created(ILogger logger, string accessKeyId, Guid userId);

        [LoggerMessage(EventId = 4011, Level = LogLevel.Information, Message = "Access key {AccessKeyId} of account {UserId} revoked")]
        public static partial void Revoked(ILogger logger, string accessKeyId, Guid userId);

        [LoggerMessage(EventId = 4013, Level = LogLevel.Information, Message = "Access key {AccessKeyId} refused: its account {UserId} is disabled or no longer exists")]
        public static partial void AccountInactive(ILogger logger, string accessKeyId, Guid userId);

        [LoggerMessage(EventId = 4012, Level = LogLevel.Error, Message = "The secret of access key {AccessKeyId} cannot be decrypted: the Data Protection key ring in keys/data-protection does not hold its key (restore keys/ from the backup made with the database)")]
        public static partial void SecretUnreadable(ILogger logger, string accessKeyId);
    }
}
