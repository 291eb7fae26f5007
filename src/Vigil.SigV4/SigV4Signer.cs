using System.Globalization;
using Vigil.SigV4.Canonical;

namespace Vigil.SigV4;

/// <summary>
/// Signs requests with AWS Signature Version 4 (AWS4-HMAC-SHA256): the header form
/// (<c>Authorization</c> + <c>X-Amz-Date</c>) and the presigned query form used for KVS signaling
/// <c>wss://</c> URLs. Thread-safe; create one per configuration and reuse it.
/// </summary>
/// <remarks>
/// Inputs here come from the application, not from the network, so invalid arguments throw
/// <see cref="ArgumentException"/>. The time is a parameter: pass <c>TimeProvider.GetUtcNow()</c>.
/// </remarks>
public sealed class SigV4Signer
{
    private readonly SigV4CanonicalUriMode _uriMode;
    private readonly bool _signSessionToken;
    private readonly bool _addContentSha256;
    private readonly SigV4SignaturePlacement _placement;
    private readonly SigningKeyCache _keys;

    /// <summary>Creates a signer with the default <see cref="SigV4SignerOptions"/>.</summary>
    public SigV4Signer()
        : this(new SigV4SignerOptions())
    {
    }

    /// <summary>Creates a signer; <paramref name="options"/> is copied.</summary>
    public SigV4Signer(SigV4SignerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(options.SigningKeyCacheSize);
        _uriMode = options.CanonicalUriMode;
        _signSessionToken = options.SignSessionToken;
        _addContentSha256 = options.AddContentSha256Header;
        _placement = options.PresignedSignaturePlacement;
        _keys = new SigningKeyCache(options.SigningKeyCacheSize);
    }

    /// <summary>Signs <paramref name="request"/> in the header form.</summary>
    /// <param name="request">Method, path, query, headers (with <c>Host</c>) and body.</param>
    /// <param name="credentials">Who signs.</param>
    /// <param name="region">Credential-scope region, e.g. <c>us-west-2</c>.</param>
    /// <param name="service">Credential-scope service, e.g. <c>kinesisvideo</c>.</param>
    /// <param name="signingTime">The signing time; whole seconds are used.</param>
    /// <returns>The header values to send.</returns>
    public SigV4HeaderSignature Sign(SigV4SigningRequest request, SigV4Credentials credentials, string region, string service, DateTimeOffset signingTime)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(request.Headers);
        ArgumentException.ThrowIfNullOrEmpty(request.Method);
        ArgumentNullException.ThrowIfNull(request.Path);
        ArgumentNullException.ThrowIfNull(credentials);
        ValidateScope(region, service);

        var amzDate = AmzDate.Format16(signingTime);
        var headers = request.Headers.Clone();
        headers.Remove(SigV4Names.AuthorizationHeader);
        if (!headers.Contains(SigV4Names.HostHeader))
        {
            throw new ArgumentException("The headers to sign must contain Host.", nameof(request));
        }

        SetOrCheck(headers, SigV4Names.AmzDateHeader, amzDate);
        var payloadHash = request.PayloadHash ?? SignatureMath.HexSha256(request.Body.Span);
        if (payloadHash.Length == 0 || payloadHash.AsSpan().ContainsAny(SigV4Names.Whitespace))
        {
            throw new ArgumentException("PayloadHash must be a hex SHA-256 (or a payload marker without whitespace).", nameof(request));
        }

        if (_addContentSha256)
        {
            SetOrCheck(headers, SigV4Names.ContentSha256Header, payloadHash);
        }

        var token = credentials.SessionToken;
        if (token is not null && _signSessionToken)
        {
            SetOrCheck(headers, SigV4Names.SecurityTokenHeader, token);
        }
        else
        {
            // KVS C SDK style (or no token at all): the token travels unsigned, after signing.
            headers.Remove(SigV4Names.SecurityTokenHeader);
        }

        var names = new List<string>(headers.Count);
        foreach (var (name, _) in headers)
        {
            var lower = name.ToLowerInvariant();
            if (!SigV4Names.IsLowercaseToken(lower))
            {
                throw new ArgumentException($"'{name}' is not a valid header name.", nameof(request));
            }

            names.Add(lower);
        }

        names.Sort(StringComparer.Ordinal);
        var signedHeaders = string.Join(';', names);
        var query = CanonicalQuery.Parse(request.QueryString);
        CanonicalQuery.Sort(query);

        var (signature, canonicalRequest, stringToSign) = Compute(
            request.Method, request.Path, query, names, signedHeaders, headers, payloadHash, credentials, amzDate, region, service);

        var authorization = string.Create(CultureInfo.InvariantCulture,
            $"{SignatureMath.Algorithm} Credential={credentials.AccessKeyId}/{amzDate[..8]}/{region}/{service}/{SignatureMath.Terminator}, SignedHeaders={signedHeaders}, Signature={signature}");
        return new SigV4HeaderSignature(authorization, amzDate, token, _addContentSha256 ? payloadHash : null,
            signedHeaders, signature, canonicalRequest, stringToSign);
    }

    /// <summary>
    /// Builds a presigned URL (query form, SigV4 query-string authentication) the way the KVS WebRTC JS SDK
    /// does (<c>SigV4RequestSigner.getSignedURL</c>): method <c>GET</c>, SignedHeaders <c>host</c>, the payload
    /// hash of the empty string, and <c>X-Amz-Security-Token</c> inside the signed query.
    /// </summary>
    /// <param name="endpoint">Absolute URL without query or fragment, e.g. <c>wss://host</c> or <c>wss://host/path</c>.</param>
    /// <param name="parameters">Extra parameters, unencoded (e.g. <c>X-Amz-ChannelARN</c>, <c>X-Amz-ClientId</c>); may be <see langword="null"/>.</param>
    /// <param name="credentials">Who signs.</param>
    /// <param name="region">Credential-scope region.</param>
    /// <param name="service">Credential-scope service, e.g. <c>kinesisvideo</c>.</param>
    /// <param name="signingTime">Becomes <c>X-Amz-Date</c>; whole seconds are used.</param>
    /// <param name="expires">Becomes <c>X-Amz-Expires</c>: whole seconds from 1 to 604800 (the JS SDK uses 299).</param>
    public SigV4PresignedUrl Presign(Uri endpoint, IEnumerable<KeyValuePair<string, string>>? parameters, SigV4Credentials credentials,
        string region, string service, DateTimeOffset signingTime, TimeSpan expires)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(credentials);
        ValidateScope(region, service);
        if (!endpoint.IsAbsoluteUri || endpoint.Query.Length > 0 || endpoint.Fragment.Length > 0)
        {
            throw new ArgumentException("The endpoint must be an absolute URL without query or fragment.", nameof(endpoint));
        }

        if (expires.Ticks % TimeSpan.TicksPerSecond != 0 || expires < TimeSpan.FromSeconds(1) || expires.TotalSeconds > SigV4Names.MaxExpiresSeconds)
        {
            throw new ArgumentOutOfRangeException(nameof(expires), expires, "X-Amz-Expires must be whole seconds from 1 to 604800.");
        }

        var amzDate = AmzDate.Format16(signingTime);
        var query = new List<QueryParameter>();
        foreach (var (name, value) in parameters ?? [])
        {
            ArgumentNullException.ThrowIfNull(name);
            ArgumentNullException.ThrowIfNull(value);
            if (SigV4Names.IsAuthParameter(name))
            {
                throw new ArgumentException($"'{name}' is set by the signer.", nameof(parameters));
            }

            query.Add(CanonicalQuery.FromDecoded(name, value));
        }

        var expiresSeconds = (long)expires.TotalSeconds;
        query.Add(CanonicalQuery.FromDecoded(SigV4Names.AlgorithmParameter, SignatureMath.Algorithm));
        query.Add(CanonicalQuery.FromDecoded(SigV4Names.CredentialParameter,
            $"{credentials.AccessKeyId}/{amzDate[..8]}/{region}/{service}/{SignatureMath.Terminator}"));
        query.Add(CanonicalQuery.FromDecoded(SigV4Names.DateParameter, amzDate));
        query.Add(CanonicalQuery.FromDecoded(SigV4Names.ExpiresParameter, expiresSeconds.ToString(CultureInfo.InvariantCulture)));
        query.Add(CanonicalQuery.FromDecoded(SigV4Names.SignedHeadersParameter, SigV4Names.HostHeader));
        if (credentials.SessionToken is { } token)
        {
            query.Add(CanonicalQuery.FromDecoded(SigV4Names.SecurityTokenParameter, token));
        }

        CanonicalQuery.Sort(query);
        var host = Authority(endpoint);
        var headers = new SigV4HeaderCollection { { SigV4Names.HostHeader, host } };
        var path = endpoint.AbsolutePath;
        var (signature, canonicalRequest, stringToSign) = Compute(
            "GET", path, query, [SigV4Names.HostHeader], SigV4Names.HostHeader, headers, SignatureMath.EmptyPayloadHash,
            credentials, amzDate, region, service);

        var builder = new ValueStringBuilder(stackalloc char[512]);
        try
        {
            builder.Append(endpoint.Scheme);
            builder.Append("://");
            builder.Append(host);
            builder.Append(path);
            builder.Append('?');
            var signatureParameter = CanonicalQuery.FromDecoded(SigV4Names.SignatureParameter, signature);
            if (_placement == SigV4SignaturePlacement.Sorted)
            {
                query.Add(signatureParameter);
                CanonicalQuery.Sort(query);
                CanonicalQuery.Append(ref builder, query, excludedName: null);
            }
            else
            {
                CanonicalQuery.Append(ref builder, query, excludedName: null);
                builder.Append('&');
                builder.Append(signatureParameter.EncodedName);
                builder.Append('=');
                builder.Append(signatureParameter.EncodedValue);
            }

            var expiresAt = AmzDate.TryParse(amzDate, out var signedAt) ? signedAt.AddSeconds(expiresSeconds) : signingTime;
            return new SigV4PresignedUrl(builder.ToString(), signature, canonicalRequest, stringToSign, expiresAt);
        }
        finally
        {
            builder.Dispose();
        }
    }

    /// <summary>
    /// The <c>Host</c> value a .NET client sends for <paramref name="uri"/>: the IDNA (punycode) host name,
    /// with <c>:port</c> only when the port is not the scheme's default (RFC 9110 §7.2).
    /// </summary>
    internal static string Authority(Uri uri)
    {
        var host = uri.HostNameType == UriHostNameType.Dns ? uri.IdnHost : uri.Host;
        return uri.IsDefaultPort ? host : string.Create(CultureInfo.InvariantCulture, $"{host}:{uri.Port}");
    }

    private (string Signature, string CanonicalRequest, string StringToSign) Compute(
        string method, string path, List<QueryParameter> sortedQuery, IReadOnlyList<string> signedNames, string signedHeaders,
        SigV4HeaderCollection headers, string payloadHash, SigV4Credentials credentials, string amzDate, string region, string service)
    {
        var canonical = new ValueStringBuilder(stackalloc char[1024]);
        var toSign = new ValueStringBuilder(stackalloc char[256]);
        try
        {
            var missing = CanonicalRequest.Append(ref canonical, method, path, _uriMode, sortedQuery, excludedQueryName: null,
                signedNames, signedHeaders, headers, payloadHash);
            if (missing is not null)
            {
                throw new ArgumentException($"Header '{missing}' has no value.", nameof(headers));
            }

            SignatureMath.AppendStringToSign(ref toSign, amzDate, amzDate.AsSpan(0, 8), region, service, canonical.AsSpan());
            Span<byte> scratch = stackalloc byte[SignatureMath.HashLength];
            var key = _keys.GetOrDerive(credentials.SecretAccessKey, amzDate.AsSpan(0, 8), region, service, scratch);
            Span<byte> mac = stackalloc byte[SignatureMath.HashLength];
            SignatureMath.HmacUtf8(key, toSign.AsSpan(), mac);
            scratch.Clear();
            return (Convert.ToHexStringLower(mac), canonical.ToString(), toSign.ToString());
        }
        finally
        {
            canonical.Dispose();
            toSign.Dispose();
        }
    }

    private static void SetOrCheck(SigV4HeaderCollection headers, string name, string value)
    {
        if (headers.TryGetValues(name, out var existing) && (existing.Count != 1 || existing[0].Trim() != value))
        {
            throw new ArgumentException($"The request already has a different '{name}' header; leave it to the signer.", nameof(headers));
        }

        headers.Set(name, value);
    }

    private static void ValidateScope(string region, string service)
    {
        ArgumentNullException.ThrowIfNull(region);
        ArgumentNullException.ThrowIfNull(service);
        if (!SigV4Names.IsScopeName(region))
        {
            throw new ArgumentException("A region is 1 to 64 lowercase letters, digits or '-'.", nameof(region));
        }

        if (!SigV4Names.IsScopeName(service))
        {
            throw new ArgumentException("A service is 1 to 64 lowercase letters, digits or '-'.", nameof(service));
        }
    }
}
