namespace Vigil.SigV4;

/// <summary>
/// The AWS error names a refused SigV4 request maps to. Member names are the exact wire names, for the
/// <c>x-amzn-ErrorType</c> header and the JSON error body (see <see cref="SigV4Failure.ErrorTypeName"/>).
/// </summary>
public enum SigV4ErrorType
{
    /// <summary>No <c>Authorization</c> header and no presigned query parameters.</summary>
    MissingAuthenticationTokenException,

    /// <summary>Authentication present but malformed or incomplete.</summary>
    IncompleteSignatureException,

    /// <summary>
    /// The signature does not verify, the scope is wrong, or the time is outside the window (message
    /// <c>Signature expired…</c> / <c>Signature not yet current…</c>).
    /// </summary>
    InvalidSignatureException,

    /// <summary>Unknown access key id or invalid session token.</summary>
    UnrecognizedClientException,

    /// <summary>The session token has expired.</summary>
    ExpiredTokenException,
}
