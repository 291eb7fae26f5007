namespace Vigil.SigV4;

/// <summary>A presigned URL (query form) and the intermediate strings that produced it.</summary>
/// <remarks>The URL works as a bearer credential until <see cref="ExpiresAt"/> and may carry the session
/// token: treat it like a secret and do not log it.</remarks>
public sealed class SigV4PresignedUrl
{
    internal SigV4PresignedUrl(string url, string signature, string canonicalRequest, string stringToSign, DateTimeOffset expiresAt)
    {
        Url = url;
        Signature = signature;
        CanonicalRequest = canonicalRequest;
        StringToSign = stringToSign;
        ExpiresAt = expiresAt;
    }

    /// <summary>The URL to open, e.g. <c>wss://host/?X-Amz-Algorithm=…&amp;X-Amz-Signature=…</c>.</summary>
    public string Url { get; }

    /// <summary>The signature, 64 lowercase hex characters.</summary>
    public string Signature { get; }

    /// <summary>The canonical request that was hashed.</summary>
    public string CanonicalRequest { get; }

    /// <summary>The string to sign.</summary>
    public string StringToSign { get; }

    /// <summary>When a verifier stops accepting the URL (<c>X-Amz-Date</c> + <c>X-Amz-Expires</c>).</summary>
    public DateTimeOffset ExpiresAt { get; }
}
