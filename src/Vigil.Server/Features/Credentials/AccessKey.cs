namespace Vigil.Server.Features.Credentials;

/// <summary>
/// A long-term access key (<c>AKIA…</c>) of an account, for administrators and automation (an
/// automation is given an account of its own: <c>vigil user add robot@example.com</c>). SigV4
/// verification needs the secret itself (an HMAC key, not a password), so it is stored encrypted with Data
/// Protection (purpose bound to the key id), never in plain text: the database alone does not reveal it.
/// </summary>
internal sealed class AccessKey
{
    public required string Id { get; init; }

    /// <summary>
    /// The account the key belongs to. Requests signed with it act as that account, under the name
    /// its e-mail address has at the time of the request; a disabled account's keys stop working.
    /// </summary>
    public required Guid UserId { get; init; }

    public required string ProtectedSecret { get; init; }

    /// <summary>The key's policy, normalised JSON.</summary>
    public required string Policy { get; init; }

    public string? Description { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? RevokedAt { get; set; }
}
