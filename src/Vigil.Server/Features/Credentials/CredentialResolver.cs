using Vigil.Server.Features.Credentials.Policies;
using Vigil.SigV4;

namespace Vigil.Server.Features.Credentials;

/// <summary>
/// Finds the secret and caller behind an access key id for SigV4 verification. Temporary credentials
/// (<c>ASIA…</c>) are answered from the session token alone — decrypted in memory, no database read, so
/// any node verifies them; long-term keys (<c>AKIA…</c>) are read from the database on every request,
/// so a revocation takes effect at once on every node.
/// </summary>
internal sealed partial class CredentialResolver(
    SessionTokenProtector tokens,
    IServiceScopeFactory scopes,
    TimeProvider time,
    ILogger<CredentialResolver> logger) : ISigV4CredentialResolver<CallerIdentity>
{
    public async ValueTask<SigV4CredentialLookup<CallerIdentity>> ResolveAsync(string accessKeyId, string? sessionToken, CancellationToken cancellationToken)
    {
        if (AccessKeyIds.IsTemporary(accessKeyId))
        {
            return ResolveTemporary(accessKeyId, sessionToken);
        }

        if (!AccessKeyIds.IsLongTerm(accessKeyId))
        {
            return new SigV4CredentialLookup<CallerIdentity>(SigV4CredentialLookupStatus.UnknownAccessKey);
        }

        if (sessionToken is not null)
        {
            // A long-term key never has a session token; AWS refuses the combination the same way.
            return new SigV4CredentialLookup<CallerIdentity>(SigV4CredentialLookupStatus.InvalidToken);
        }

        await using var scope = scopes.CreateAsyncScope();
        var found = await scope.ServiceProvider.GetRequiredService<AccessKeyStore>().ResolveAsync(accessKeyId, cancellationToken);
        return found is { } key
            ? new SigV4CredentialLookup<CallerIdentity>(key.Secret, key.Caller)
            : new SigV4CredentialLookup<CallerIdentity>(SigV4CredentialLookupStatus.UnknownAccessKey);
    }

    private SigV4CredentialLookup<CallerIdentity> ResolveTemporary(string accessKeyId, string? sessionToken)
    {
        if (sessionToken is null || !tokens.TryUnprotect(sessionToken, out var contents) || contents!.AccessKeyId != accessKeyId)
        {
            Log.InvalidToken(logger, accessKeyId);
            return new SigV4CredentialLookup<CallerIdentity>(SigV4CredentialLookupStatus.InvalidToken);
        }

        var expiration = DateTimeOffset.FromUnixTimeSeconds(contents.ExpiresAt);
        if (time.GetUtcNow() >= expiration)
        {
            return new SigV4CredentialLookup<CallerIdentity>(SigV4CredentialLookupStatus.ExpiredToken);
        }

        AccessPolicy policy;
        AccessPolicy? sessionPolicy;
        CredentialPrincipal principal;
        try
        {
            policy = AccessPolicy.ParseNormalized(contents.Policy);
            sessionPolicy = contents.SessionPolicy is { } text ? AccessPolicy.ParseNormalized(text) : null;
            principal = new CredentialPrincipal(contents.PrincipalKind, contents.PrincipalName, contents.Variables);
        }
        catch (Exception e) when (e is PolicyFormatException or ArgumentException)
        {
            // Authentic (our key ring encrypted it) but unreadable: written by an incompatible version.
            Log.InvalidToken(logger, accessKeyId);
            return new SigV4CredentialLookup<CallerIdentity>(SigV4CredentialLookupStatus.InvalidToken);
        }

        return new SigV4CredentialLookup<CallerIdentity>(
            contents.SecretAccessKey,
            new CallerIdentity(principal, accessKeyId, policy, sessionPolicy, expiration));
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4020, Level = LogLevel.Debug, Message = "Session token for {AccessKeyId} refused: missing, forged, damaged, or issued for another key")]
        public static partial void InvalidToken(ILogger logger, string accessKeyId);
    }
}
