using System.Collections.Frozen;
using System.Globalization;
using System.Security.Cryptography;
using Vigil.SigV4.Canonical;
using Vigil.SigV4.Parsing;

namespace Vigil.SigV4;

/// <summary>
/// Verifies AWS Signature Version 4 on received requests, header form and presigned query form, the way
/// the KVS WebRTC JS and C SDKs and the AWS SDKs sign them. Thread-safe; create one and reuse it.
/// </summary>
/// <remarks>
/// <para>Order of checks (cheap and request-only first, the credential lookup and HMAC last): form and syntax →
/// algorithm, credential scope, SignedHeaders → allowed service and region, scope date → required signed
/// headers present → time window → <c>x-amz-content-sha256</c> → credential resolver → signature compared in
/// constant time. Time is checked before the credentials so that a client with a wrong clock learns about
/// its clock ("Signature expired" / "Signature not yet current") rather than about its keys.</para>
/// <para>Request content never makes this throw: every refusal is a <see cref="SigV4Failure"/>. Exceptions
/// come only from the resolver, from cancellation, or from invalid arguments of the caller's own making
/// (e.g. a malformed <see cref="SigV4VerificationRequest.PayloadHash"/>).</para>
/// </remarks>
/// <typeparam name="TPrincipal">What the credential resolver attaches to a credential.</typeparam>
public sealed class SigV4Verifier<TPrincipal>
{
    private readonly ISigV4CredentialResolver<TPrincipal> _resolver;
    private readonly TimeProvider _time;
    private readonly FrozenSet<string> _services;
    private readonly FrozenSet<string> _regions;
    private readonly string _servicesText;
    private readonly TimeSpan _skew;
    private readonly long _maxExpiresSeconds;
    private readonly SigV4CanonicalUriMode _uriMode;
    private readonly SigningKeyCache _keys;

    /// <summary>Creates a verifier; <paramref name="options"/> (default <see cref="SigV4VerifierOptions"/>) is copied.</summary>
    /// <exception cref="ArgumentException">No allowed service, or an allowed service/region that no request could name.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A negative skew, or an expiry outside 1 second to 7 days.</exception>
    public SigV4Verifier(ISigV4CredentialResolver<TPrincipal> resolver, TimeProvider timeProvider, SigV4VerifierOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        ArgumentNullException.ThrowIfNull(timeProvider);
        options ??= new SigV4VerifierOptions();
        if (options.AllowedServices.Count == 0)
        {
            throw new ArgumentException("At least one service must be allowed.", nameof(options));
        }

        foreach (var name in options.AllowedServices.Concat(options.AllowedRegions))
        {
            if (!SigV4Names.IsScopeName(name))
            {
                throw new ArgumentException($"'{name}' is not a valid scope name (1 to 64 of a-z, 0-9, '-').", nameof(options));
            }
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(options.AllowedClockSkew, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.AllowedClockSkew, TimeSpan.FromDays(1));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxPresignedExpiry, TimeSpan.FromSeconds(1));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.MaxPresignedExpiry, TimeSpan.FromSeconds(SigV4Names.MaxExpiresSeconds));
        ArgumentOutOfRangeException.ThrowIfNegative(options.SigningKeyCacheSize);

        _resolver = resolver;
        _time = timeProvider;
        _services = options.AllowedServices.ToFrozenSet(StringComparer.Ordinal);
        _regions = options.AllowedRegions.ToFrozenSet(StringComparer.Ordinal);
        _servicesText = string.Join("', '", options.AllowedServices.Order(StringComparer.Ordinal));
        _skew = options.AllowedClockSkew;
        _maxExpiresSeconds = (long)options.MaxPresignedExpiry.TotalSeconds;
        _uriMode = options.CanonicalUriMode;
        _keys = new SigningKeyCache(options.SigningKeyCacheSize);
    }

    /// <summary>Verifies <paramref name="request"/>.</summary>
    /// <returns>Success with the resolver's principal, or the failure to answer with (status 403).</returns>
    /// <remarks>Returns a <see cref="ValueTask{TResult}"/> because the resolver usually completes synchronously
    /// (Vigil's session tokens are decrypted in memory), so most verifications allocate no task.</remarks>
    public async ValueTask<SigV4VerificationResult<TPrincipal>> VerifyAsync(SigV4VerificationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(request.Method);
        ArgumentNullException.ThrowIfNull(request.Path);
        ArgumentNullException.ThrowIfNull(request.Headers);
        if (request.PayloadHash is { } given && !SignatureHex.IsHash(given))
        {
            throw new ArgumentException("PayloadHash must be 64 hexadecimal characters.", nameof(request));
        }

        if (SignatureClaimsReader.TryRead(request, out var claims) is { } readFailure)
        {
            return new SigV4VerificationResult<TPrincipal>(readFailure);
        }

        DateTimeOffset? expiresAt = null;
        if ((CheckScope(claims!) ?? CheckSignedHeaders(claims!, request.Headers) ?? CheckTime(claims!, out expiresAt)) is { } failure)
        {
            return new SigV4VerificationResult<TPrincipal>(failure);
        }

        if (!TryGetPayloadHash(request, out var payloadHash, out failure))
        {
            return new SigV4VerificationResult<TPrincipal>(failure!);
        }

        var scope = claims!.Credential;
        var lookup = await _resolver.ResolveAsync(scope.AccessKeyId, claims.SessionToken, cancellationToken)
            ?? throw new InvalidOperationException($"{_resolver.GetType().Name}.ResolveAsync returned null.");
        if (!lookup.Found)
        {
            return new SigV4VerificationResult<TPrincipal>(lookup.Status switch
            {
                SigV4CredentialLookupStatus.ExpiredToken => new SigV4Failure(SigV4FailureReason.ExpiredSessionToken,
                    "The security token included in the request is expired"),
                SigV4CredentialLookupStatus.InvalidToken => new SigV4Failure(SigV4FailureReason.InvalidSessionToken,
                    "The security token included in the request is invalid."),
                _ => new SigV4Failure(SigV4FailureReason.UnknownAccessKey, "The security token included in the request is invalid."),
            });
        }

        if (CheckSignature(request, claims, payloadHash, lookup.SecretAccessKey) is { } mismatch)
        {
            return new SigV4VerificationResult<TPrincipal>(mismatch);
        }

        return new SigV4VerificationResult<TPrincipal>(lookup.Principal!, scope.AccessKeyId, scope.Region, scope.Service,
            claims.SignedAt, claims.Form, expiresAt);
    }

    private SigV4Failure? CheckScope(SignatureClaims claims)
    {
        var scope = claims.Credential;
        if (!_services.Contains(scope.Service))
        {
            return new SigV4Failure(SigV4FailureReason.ServiceNotAllowed, $"Credential should be scoped to correct service: '{_servicesText}'.");
        }

        if (_regions.Count > 0 && !_regions.Contains(scope.Region))
        {
            return new SigV4Failure(SigV4FailureReason.RegionNotAllowed, "Credential should be scoped to a valid region.");
        }

        // The scope date must be the date of the request time (AWS SigV4 documentation, "Create a string to sign").
        if (!claims.AmzDate.AsSpan(0, 8).SequenceEqual(scope.Date))
        {
            return new SigV4Failure(SigV4FailureReason.ScopeDateMismatch,
                $"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{scope.Date}' != '{claims.AmzDate[..8]}', from '{claims.AmzDate}'.");
        }

        return null;
    }

    private static SigV4Failure? CheckSignedHeaders(SignatureClaims claims, SigV4HeaderCollection headers)
    {
        // Host binds the signature to this server; without it a signature could be replayed against another
        // host. The date header must be signed, or a captured request could be re-dated at will.
        if (!claims.SignedHeaders.Contains(SigV4Names.HostHeader))
        {
            return new SigV4Failure(SigV4FailureReason.RequiredHeaderNotSigned, "'Host' must be a 'SignedHeader' in the AWS Authorization.");
        }

        if (claims.DateHeader is { } dateHeader && !claims.SignedHeaders.Contains(dateHeader))
        {
            return new SigV4Failure(SigV4FailureReason.RequiredHeaderNotSigned,
                dateHeader == SigV4Names.AmzDateHeader
                    ? "'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization."
                    : "'Date' must be a 'SignedHeader' in the AWS Authorization.");
        }

        foreach (var name in claims.SignedHeaders.Names)
        {
            if (!headers.TryGetValues(name, out _))
            {
                return new SigV4Failure(SigV4FailureReason.SignedHeaderMissing, name.Length <= 64
                    ? $"Signed header '{name}' is absent from the request."
                    : "A signed header is absent from the request.");
            }
        }

        return null;
    }

    private SigV4Failure? CheckTime(SignatureClaims claims, out DateTimeOffset? expiresAt)
    {
        expiresAt = null;
        var now = _time.GetUtcNow();
        var latest = Saturating(now, _skew);
        if (claims.SignedAt > latest)
        {
            return new SigV4Failure(SigV4FailureReason.SignatureNotYetCurrent, string.Create(CultureInfo.InvariantCulture,
                $"Signature not yet current: {claims.AmzDate} is still later than {AmzDate.Format16(latest)} ({AmzDate.Format16(now)} + {Describe(_skew)})."));
        }

        if (claims.ExpiresSeconds is { } requested)
        {
            // Presigned URL: valid from X-Amz-Date until X-Amz-Date + X-Amz-Expires (capped), never older.
            var seconds = Math.Min(requested, _maxExpiresSeconds);
            var end = Saturating(claims.SignedAt, TimeSpan.FromSeconds(seconds));
            expiresAt = end;
            if (now > end)
            {
                return new SigV4Failure(SigV4FailureReason.SignatureExpired, string.Create(CultureInfo.InvariantCulture,
                    $"Signature expired: {claims.AmzDate} + {seconds} sec. ({AmzDate.Format16(end)}) is now earlier than {AmzDate.Format16(now)}."));
            }

            return null;
        }

        var earliest = Saturating(now, -_skew);
        if (claims.SignedAt < earliest)
        {
            return new SigV4Failure(SigV4FailureReason.SignatureExpired, string.Create(CultureInfo.InvariantCulture,
                $"Signature expired: {claims.AmzDate} is now earlier than {AmzDate.Format16(earliest)} ({AmzDate.Format16(now)} - {Describe(_skew)})."));
        }

        return null;
    }

    /// <summary>
    /// The payload hash line: the body's SHA-256, or <c>x-amz-content-sha256</c> when present (the AWS SDKs
    /// sign that header's text), which must then be that same hash. Unsigned and streaming payload markers
    /// (<c>UNSIGNED-PAYLOAD</c>, <c>STREAMING-…</c>) are refused: every KVS client hashes its small JSON body,
    /// and accepting them would leave the body unauthenticated.
    /// </summary>
    private static bool TryGetPayloadHash(SigV4VerificationRequest request, out string payloadHash, out SigV4Failure? failure)
    {
        failure = null;
        payloadHash = request.PayloadHash ?? SignatureMath.HexSha256(request.Body.Span);
        if (!request.Headers.TryGetValues(SigV4Names.ContentSha256Header, out var values))
        {
            return true;
        }

        var declared = values.Count == 1 ? values[0].Trim() : string.Empty;
        if (!SignatureHex.IsHash(declared))
        {
            failure = new SigV4Failure(SigV4FailureReason.ContentHashMismatch,
                "x-amz-content-sha256 must be the hex SHA-256 of the body; unsigned and streaming payloads are not accepted.");
            return false;
        }

        if (!declared.Equals(payloadHash, StringComparison.OrdinalIgnoreCase))
        {
            failure = new SigV4Failure(SigV4FailureReason.ContentHashMismatch,
                "The provided 'x-amz-content-sha256' header does not match what was computed.");
            return false;
        }

        payloadHash = declared;
        return true;
    }

    private SigV4Failure? CheckSignature(SigV4VerificationRequest request, SignatureClaims claims, string payloadHash, string secretAccessKey)
    {
        var scope = claims.Credential;
        var canonical = new ValueStringBuilder(stackalloc char[1024]);
        var toSign = new ValueStringBuilder(stackalloc char[256]);
        try
        {
            var excluded = claims.Form == SigV4AuthenticationForm.Query ? SigV4Names.SignatureParameter : null;
            if (CanonicalRequest.Append(ref canonical, request.Method, request.Path, _uriMode, claims.SortedQuery, excluded,
                    claims.SignedHeaders.Names, claims.SignedHeaders.Text, request.Headers, payloadHash) is { } missing)
            {
                // Checked before already; kept so that the canonical request is never built from a partial header set.
                return new SigV4Failure(SigV4FailureReason.SignedHeaderMissing, $"Signed header '{missing}' is absent from the request.");
            }

            SignatureMath.AppendStringToSign(ref toSign, claims.AmzDate, scope.Date, scope.Region, scope.Service, canonical.AsSpan());
            Span<byte> scratch = stackalloc byte[SignatureMath.HashLength];
            var key = _keys.GetOrDerive(secretAccessKey, scope.Date, scope.Region, scope.Service, scratch);
            Span<byte> expected = stackalloc byte[SignatureMath.HashLength];
            SignatureMath.HmacUtf8(key, toSign.AsSpan(), expected);
            scratch.Clear();
            if (CryptographicOperations.FixedTimeEquals(expected, claims.Signature))
            {
                return null;
            }

            return new SigV4Failure(SigV4FailureReason.SignatureMismatch,
                "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
                canonical.ToString(), toSign.ToString());
        }
        finally
        {
            canonical.Dispose();
            toSign.Dispose();
        }
    }

    private static DateTimeOffset Saturating(DateTimeOffset time, TimeSpan offset)
    {
        var ticks = time.UtcTicks;
        var max = DateTimeOffset.MaxValue.UtcTicks;
        var min = DateTimeOffset.MinValue.UtcTicks;
        var result = offset.Ticks >= 0
            ? (ticks > max - offset.Ticks ? max : ticks + offset.Ticks)
            : (ticks < min - offset.Ticks ? min : ticks + offset.Ticks);
        return new DateTimeOffset(result, TimeSpan.Zero);
    }

    private static string Describe(TimeSpan span) =>
        span.Ticks % TimeSpan.TicksPerMinute == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{(long)span.TotalMinutes} min.")
            : string.Create(CultureInfo.InvariantCulture, $"{(long)span.TotalSeconds} sec.");
}
