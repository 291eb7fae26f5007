using Vigil.SigV4;

namespace Vigil.Server.Features.Credentials;

/// <summary>
/// Temporary credentials as AWS STS and the IoT credentials provider hand them out. <see cref="ToString"/>
/// never shows the secret or the token.
/// </summary>
internal sealed class TemporaryCredentials(string accessKeyId, string secretAccessKey, string sessionToken, DateTimeOffset expiration)
{
    /// <summary><c>ASIA</c> followed by 16 characters.</summary>
    public string AccessKeyId { get; } = accessKeyId;

    public string SecretAccessKey { get; } = secretAccessKey;

    /// <summary>Self-contained and authenticated-encrypted: verification needs no database.</summary>
    public string SessionToken { get; } = sessionToken;

    /// <summary>Whole seconds, UTC.</summary>
    public DateTimeOffset Expiration { get; } = expiration;

    public SigV4Credentials ToSigV4Credentials() => new(AccessKeyId, SecretAccessKey, SessionToken);

    public override string ToString() => $"TemporaryCredentials {{ AccessKeyId = {AccessKeyId}, Expiration = {Expiration:O} }}";
}
