using Vigil.Server.Features.Credentials.Policies;
using Vigil.Server.Features.Pki;
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
            return await ResolveTemporaryAsync(accessKeyId, sessionToken, cancellationToken);
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

    private async ValueTask<SigV4CredentialLookup<CallerIdentity>> ResolveTemporaryAsync(string accessKeyId, string? sessionToken, CancellationToken cancellationToken)
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

        if (principal.Kind == PrincipalKind.Thing && !await IsCertificateActiveAsync(principal, cancellationToken))
        {
            // A revoked camera's credentials stop working at once, not when they expire: the one
            // database read on this path, and only for things (the credentials provider's callers).
            Log.CertificateInactive(logger, accessKeyId, principal.Name);
            return new SigV4CredentialLookup<CallerIdentity>(SigV4CredentialLookupStatus.InvalidToken);
        }

        return new SigV4CredentialLookup<CallerIdentity>(
            contents.SecretAccessKey,
            new CallerIdentity(principal, accessKeyId, policy, sessionPolicy, expiration));
    }

    private async Task<bool> IsCertificateActiveAsync(CredentialPrincipal thing, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await CredentialCallerReview.IsCertificateActiveAsync(scope.ServiceProvider.GetRequiredService<CertificateRegistry>(), thing, cancellationToken);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4023, Level = LogLevel.Information, Message = "Temporary credentials {AccessKeyId} of thing {ThingName} refused: its certificate is no longer active")]
        public static partial void CertificateInactive(ILogger logger, string accessKeyId, string thingName);

        [LoggerMessage(EventId = 4020, Level = LogLevel.Debug, Message = "Session token for {AccessKeyId} refused: missing, forged, damaged, or issued for another key")]
        public static partial void InvalidToken(ILogger logger, string accessKeyId);
    }
}
