namespace Vigil.SigV4;

/// <summary>How the path of a request becomes the CanonicalURI line of the SigV4 canonical request.</summary>
/// <remarks>
/// Signer and verifier must agree. Vigil's KVS-compatible endpoints use <see cref="AsSent"/> (the default
/// everywhere in this library) because both KVS WebRTC SDKs sign the path text exactly as they send it, and
/// KVS paths (<c>/describeSignalingChannel</c>, <c>/v1/get-ice-server-config</c>, <c>/</c>) contain nothing
/// that normalisation or encoding would change. <see cref="NormalizeAndEncode"/> exists for requests signed
/// by the general AWS SDKs for services other than S3 and for the AWS SigV4 test suite.
/// </remarks>
public enum SigV4CanonicalUriMode
{
    /// <summary>
    /// The path exactly as sent on the wire (percent-encoded, no dot-segment or slash normalisation), or
    /// <c>/</c> when empty. This is also what S3-style signing amounts to on the wire.
    /// </summary>
    AsSent,

    /// <summary>
    /// Remove <c>.</c>/<c>..</c> segments and empty segments (RFC 3986 §5.2.4), then percent-encode every
    /// octet except RFC 3986 unreserved characters and <c>/</c>. For a wire path this re-encodes existing
    /// <c>%XX</c> escapes, exactly like the AWS SDKs do for non-S3 services.
    /// </summary>
    NormalizeAndEncode,
}
