using Vigil.Server.Features.Credentials.Policies;

namespace Vigil.Server.Features.Credentials;

/// <summary>
/// The one service that issues temporary credentials: for principal P, with policy Q, for duration T
/// (optionally narrowed by a session policy). Nothing is stored: the session token carries the secret,
/// the principal, its context variables, the policies and the expiry, encrypted and authenticated, so any
/// node with the shared Data Protection key ring verifies requests without a database read. The
/// consequence: temporary credentials cannot be revoked one by one; they expire (15 minutes to 12 hours).
/// </summary>
internal sealed partial class TemporaryCredentialIssuer(SessionTokenProtector tokens, TimeProvider time, ILogger<TemporaryCredentialIssuer> logger)
{
    public static readonly TimeSpan MinDuration = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan MaxDuration = TimeSpan.FromHours(12);

    /// <summary>Issues credentials valid from now for <paramref name="duration"/> (whole seconds, 15 min to 12 h).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The duration is outside 15 minutes to 12 hours.</exception>
    public TemporaryCredentials Issue(CredentialPrincipal principal, AccessPolicy policy, TimeSpan duration, AccessPolicy? sessionPolicy = null)
    {
        ArgumentNullException.ThrowIfNull(principal);
        ArgumentNullException.ThrowIfNull(policy);
        if (duration < MinDuration || duration > MaxDuration)
        {
            throw new ArgumentOutOfRangeException(nameof(duration), duration, "Temporary credentials last from 15 minutes to 12 hours.");
        }

        var now = time.GetUtcNow();
        var issuedAt = now.ToUnixTimeSeconds();
        var expiresAt = issuedAt + (long)duration.TotalSeconds;
        var accessKeyId = AccessKeyIds.NewTemporary();
        var secret = AccessKeyIds.NewSecret();
        var token = tokens.Protect(new SessionTokenContents(
            SessionTokenContents.CurrentFormat,
            accessKeyId,
            secret,
            principal.Kind,
            principal.Name,
            new Dictionary<string, string>(principal.Variables, StringComparer.OrdinalIgnoreCase),
            policy.Json,
            sessionPolicy?.Json,
            issuedAt,
            expiresAt));
        var expiration = DateTimeOffset.FromUnixTimeSeconds(expiresAt);
        Log.Issued(logger, accessKeyId, principal.ToString(), expiration);
        return new TemporaryCredentials(accessKeyId, secret, token, expiration);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Issued temporary credentials {AccessKeyId} for {Principal}, valid until {Expiration}")]
        public static partial void Issued(ILogger logger, string accessKeyId, string principal, DateTimeOffset expiration);
    }
}
