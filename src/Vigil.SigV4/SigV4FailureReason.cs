namespace Vigil.SigV4;

/// <summary>Why verification refused a request; finer than <see cref="SigV4ErrorType"/>, for logs and tests.</summary>
public enum SigV4FailureReason
{
    /// <summary>Neither an <c>Authorization</c> header nor presigned query parameters.</summary>
    MissingAuthentication,

    /// <summary>Both an <c>Authorization</c> header and presigned query parameters, or a header given twice.</summary>
    AmbiguousAuthentication,

    /// <summary>The <c>Authorization</c> header or a presigned parameter cannot be parsed.</summary>
    MalformedAuthorization,

    /// <summary>The algorithm is not <c>AWS4-HMAC-SHA256</c>.</summary>
    UnsupportedAlgorithm,

    /// <summary>A required presigned query parameter is missing.</summary>
    MissingQueryParameter,

    /// <summary>An <c>X-Amz-*</c> query parameter appears more than once.</summary>
    DuplicateQueryParameter,

    /// <summary><c>X-Amz-Date</c> (or <c>Date</c>) is missing or malformed.</summary>
    MalformedDate,

    /// <summary><c>X-Amz-Expires</c> is not a non-negative integer.</summary>
    MalformedExpires,

    /// <summary>The credential-scope date differs from the date part of <c>X-Amz-Date</c>.</summary>
    ScopeDateMismatch,

    /// <summary>The credential-scope service is not an allowed one.</summary>
    ServiceNotAllowed,

    /// <summary>The credential-scope region is not an allowed one.</summary>
    RegionNotAllowed,

    /// <summary><c>host</c> (or, in the header form, the date header) is not in SignedHeaders.</summary>
    RequiredHeaderNotSigned,

    /// <summary>A header listed in SignedHeaders is absent from the request.</summary>
    SignedHeaderMissing,

    /// <summary>The request is older than the clock-skew window, or the presigned URL has expired.</summary>
    SignatureExpired,

    /// <summary>The request is dated further in the future than the clock-skew window.</summary>
    SignatureNotYetCurrent,

    /// <summary><c>x-amz-content-sha256</c> is malformed or does not match the body.</summary>
    ContentHashMismatch,

    /// <summary>The credential resolver does not know the access key id.</summary>
    UnknownAccessKey,

    /// <summary>The credential resolver rejected the session token (missing, forged, or for another key).</summary>
    InvalidSessionToken,

    /// <summary>The credential resolver reports the session token as expired.</summary>
    ExpiredSessionToken,

    /// <summary>The computed signature differs from the one provided.</summary>
    SignatureMismatch,
}
