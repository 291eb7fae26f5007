namespace Vigil.SigV4;

/// <summary>
/// The outcome of signing in the header form: the header fields to send, plus the intermediate strings
/// (useful when a server refuses the signature and the two sides must be compared).
/// </summary>
public sealed class SigV4HeaderSignature
{
    internal SigV4HeaderSignature(string authorization, string amzDate, string? securityToken, string? contentSha256,
        string signedHeaders, string signature, string canonicalRequest, string stringToSign)
    {
        Authorization = authorization;
        AmzDate = amzDate;
        SecurityToken = securityToken;
        ContentSha256 = contentSha256;
        SignedHeaders = signedHeaders;
        Signature = signature;
        CanonicalRequest = canonicalRequest;
        StringToSign = stringToSign;
    }

    /// <summary>Value for the <c>Authorization</c> header: <c>AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…</c>.</summary>
    public string Authorization { get; }

    /// <summary>Value for the <c>X-Amz-Date</c> header (<c>yyyyMMddTHHmmssZ</c>).</summary>
    public string AmzDate { get; }

    /// <summary>Value for the <c>X-Amz-Security-Token</c> header, or <see langword="null"/> without a session token.</summary>
    public string? SecurityToken { get; }

    /// <summary>Value for the <c>X-Amz-Content-Sha256</c> header, or <see langword="null"/> when not configured.</summary>
    public string? ContentSha256 { get; }

    /// <summary>The <c>;</c>-separated lowercase signed header names.</summary>
    public string SignedHeaders { get; }

    /// <summary>The signature, 64 lowercase hex characters.</summary>
    public string Signature { get; }

    /// <summary>The canonical request that was hashed.</summary>
    public string CanonicalRequest { get; }

    /// <summary>The string to sign.</summary>
    public string StringToSign { get; }
}
