using Vigil.SigV4.Canonical;

namespace Vigil.SigV4;

/// <summary>
/// AWS-style credentials: access key id, secret access key and, for temporary credentials, the session
/// token. <see cref="ToString"/> never shows the secret or the token, so the object is safe to log by mistake.
/// </summary>
public sealed class SigV4Credentials
{
    /// <summary>Creates credentials; <paramref name="sessionToken"/> is <see langword="null"/> (or empty) for long-term keys.</summary>
    /// <exception cref="ArgumentException">The access key id is empty or contains <c>/</c>, <c>,</c>, <c>=</c>
    /// or whitespace, which would break the <c>Credential=</c> field, or the secret is empty.</exception>
    public SigV4Credentials(string accessKeyId, string secretAccessKey, string? sessionToken = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(accessKeyId);
        ArgumentException.ThrowIfNullOrEmpty(secretAccessKey);
        if (accessKeyId.AsSpan().ContainsAny(SigV4Names.AccessKeyIdDelimiters))
        {
            throw new ArgumentException("An access key id cannot contain '/', ',', '=' or whitespace.", nameof(accessKeyId));
        }

        AccessKeyId = accessKeyId;
        SecretAccessKey = secretAccessKey;
        SessionToken = string.IsNullOrEmpty(sessionToken) ? null : sessionToken;
    }

    /// <summary>The access key id (<c>AKIA…</c> long-term, <c>ASIA…</c> temporary by AWS convention).</summary>
    public string AccessKeyId { get; }

    /// <summary>The secret access key: the HMAC key material. Never log it.</summary>
    public string SecretAccessKey { get; }

    /// <summary>The session token of temporary credentials, or <see langword="null"/>.</summary>
    public string? SessionToken { get; }

    /// <inheritdoc />
    public override string ToString() =>
        $"SigV4Credentials {{ AccessKeyId = {AccessKeyId}, SessionToken = {(SessionToken is null ? "none" : "present")} }}";
}
