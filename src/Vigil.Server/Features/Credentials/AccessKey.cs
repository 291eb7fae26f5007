namespace Vigil.Server.Features.Credentials;

/// <summary>
/// A long-term access key (<c>AKIA…</c>) of a named principal, for administrators and automation. SigV4
/// verification needs the secret itself (an HMAC key, not a password), so it is stored encrypted with Data
/// Protection (purpose bound to the key id), never in plain text: the database alone does not reveal it.
/// </summary>
internal sealed class AccessKey
{
    public required string Id { get; init; }

    /// <summary>The principal the key belongs to: a user's e-mail address until Identity links keys to accounts.</summary>
    public required string PrincipalName { get; init; }

    public required string ProtectedSecret { get; init; }

    /// <summary>The key's policy, normalised JSON.</summary>
    public required string Policy { get; init; }

    public string? Description { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? RevokedAt { get; set; }
}
