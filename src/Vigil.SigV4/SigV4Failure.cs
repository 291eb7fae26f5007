namespace Vigil.SigV4;

/// <summary>
/// Why a request was refused, in the terms a server answers with: <see cref="HttpStatusCode"/>,
/// <see cref="ErrorTypeName"/> for <c>x-amzn-ErrorType</c>, and <see cref="Message"/> for the body.
/// </summary>
/// <remarks>
/// Messages never repeat unvalidated request text. The ones for time-window failures contain the exact
/// phrases <c>Signature expired</c> and <c>Signature not yet current</c>: the KVS C SDK searches a 403 body
/// for them to correct its clock instead of fetching new credentials.
/// </remarks>
public sealed class SigV4Failure
{
    /// <summary>Hands the canonical request and string to sign of a mismatch to the failure.</summary>
    internal SigV4Failure(SigV4FailureReason reason, string message, string? canonicalRequest = null, string? stringToSign = null)
    {
        Reason = reason;
        Message = message;
        CanonicalRequest = canonicalRequest;
        StringToSign = stringToSign;
        ErrorType = reason switch
        {
            SigV4FailureReason.MissingAuthentication => SigV4ErrorType.MissingAuthenticationTokenException,
            SigV4FailureReason.AmbiguousAuthentication or SigV4FailureReason.MalformedAuthorization
                or SigV4FailureReason.UnsupportedAlgorithm or SigV4FailureReason.MissingQueryParameter
                or SigV4FailureReason.DuplicateQueryParameter or SigV4FailureReason.MalformedDate
                or SigV4FailureReason.MalformedExpires or SigV4FailureReason.RequiredHeaderNotSigned
                => SigV4ErrorType.IncompleteSignatureException,
            SigV4FailureReason.UnknownAccessKey or SigV4FailureReason.InvalidSessionToken => SigV4ErrorType.UnrecognizedClientException,
            SigV4FailureReason.ExpiredSessionToken => SigV4ErrorType.ExpiredTokenException,
            _ => SigV4ErrorType.InvalidSignatureException,
        };
    }

    /// <summary>The specific reason.</summary>
    public SigV4FailureReason Reason { get; }

    /// <summary>The AWS error this maps to.</summary>
    public SigV4ErrorType ErrorType { get; }

    /// <summary>The AWS error name, e.g. <c>InvalidSignatureException</c>.</summary>
    public string ErrorTypeName => ErrorType switch
    {
        SigV4ErrorType.MissingAuthenticationTokenException => nameof(SigV4ErrorType.MissingAuthenticationTokenException),
        SigV4ErrorType.IncompleteSignatureException => nameof(SigV4ErrorType.IncompleteSignatureException),
        SigV4ErrorType.InvalidSignatureException => nameof(SigV4ErrorType.InvalidSignatureException),
        SigV4ErrorType.UnrecognizedClientException => nameof(SigV4ErrorType.UnrecognizedClientException),
        _ => nameof(SigV4ErrorType.ExpiredTokenException),
    };

    /// <summary>
    /// The HTTP status to answer with: always 403. AWS front doors use 403 for these errors, and the KVS C SDK
    /// treats 401/403 as "refresh credentials or clock and retry" whereas a 400 would stop the camera.
    /// </summary>
    public int HttpStatusCode => 403;

    /// <summary>Human-readable text for the error body's <c>Message</c>.</summary>
    public string Message { get; }

    /// <summary>For <see cref="SigV4FailureReason.SignatureMismatch"/>: the canonical request the server computed (log at debug level to compare with the client's).</summary>
    public string? CanonicalRequest { get; }

    /// <summary>For <see cref="SigV4FailureReason.SignatureMismatch"/>: the string to sign the server computed.</summary>
    public string? StringToSign { get; }

    /// <inheritdoc />
    public override string ToString() => $"{ErrorTypeName} ({Reason}): {Message}";
}
