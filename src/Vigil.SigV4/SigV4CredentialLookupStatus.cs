namespace Vigil.SigV4;

/// <summary>What an <see cref="ISigV4CredentialResolver{TPrincipal}"/> found for an access key id (and session token).</summary>
public enum SigV4CredentialLookupStatus
{
    /// <summary>The key is known (and the token, if any, is valid for it); the secret is available.</summary>
    Found,

    /// <summary>No such access key id → <c>UnrecognizedClientException</c>.</summary>
    UnknownAccessKey,

    /// <summary>
    /// The session token is forged, unreadable, missing where the key needs one, or belongs to another key
    /// → <c>UnrecognizedClientException</c>.
    /// </summary>
    InvalidToken,

    /// <summary>The session token (temporary credential) has expired → <c>ExpiredTokenException</c>.</summary>
    ExpiredToken,
}
