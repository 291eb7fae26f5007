using System.Globalization;
using Vigil.SigV4.Canonical;

namespace Vigil.SigV4.Parsing;

/// <summary>
/// Reads the signature claims of a received request from either the <c>Authorization</c> header or the
/// presigned query parameters. Every problem becomes a <see cref="SigV4Failure"/>; nothing here throws on
/// request content.
/// </summary>
internal static class SignatureClaimsReader
{
    private static readonly string[] RequiredQueryParameters =
    [
        SigV4Names.AlgorithmParameter, SigV4Names.CredentialParameter, SigV4Names.SignatureParameter,
        SigV4Names.DateParameter, SigV4Names.ExpiresParameter, SigV4Names.SignedHeadersParameter,
    ];

    public static SigV4Failure? TryRead(SigV4VerificationRequest request, out SignatureClaims? claims)
    {
        claims = null;
        var query = CanonicalQuery.Parse(request.QueryString);
        var hasQueryAuth = query.Exists(static p =>
            p.Name is SigV4Names.AlgorithmParameter or SigV4Names.CredentialParameter or SigV4Names.SignatureParameter);
        var hasHeaderAuth = request.Headers.TryGetValues(SigV4Names.AuthorizationHeader, out var authorization);

        if (hasHeaderAuth && hasQueryAuth)
        {
            return new SigV4Failure(SigV4FailureReason.AmbiguousAuthentication,
                "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter or the Authorization header should be specified.");
        }

        if (!hasHeaderAuth && !hasQueryAuth)
        {
            return new SigV4Failure(SigV4FailureReason.MissingAuthentication, "Missing Authentication Token");
        }

        CanonicalQuery.Sort(query);
        return hasHeaderAuth
            ? ReadHeaderForm(request.Headers, authorization!, query, out claims)
            : ReadQueryForm(request.Headers, query, out claims);
    }

    private static SigV4Failure? ReadHeaderForm(SigV4HeaderCollection headers, IReadOnlyList<string> authorization,
        List<QueryParameter> sortedQuery, out SignatureClaims? claims)
    {
        claims = null;
        if (authorization.Count != 1)
        {
            return Duplicated("Authorization");
        }

        if (!AuthorizationHeader.TryParse(authorization[0], out var header, out var failure)
            || !CredentialScope.TryParse(header.Credential, out var scope, out failure)
            || !SignedHeaderList.TryParse(header.SignedHeaders, out var signedHeaders, out failure))
        {
            return failure;
        }

        if (!SignatureHex.TryDecode(header.Signature, out var signature))
        {
            return MalformedSignature();
        }

        // x-amz-date wins over Date when both are present (AWS SigV4 documentation, "Elements of an AWS API request signature").
        string amzDate;
        DateTimeOffset signedAt;
        string dateHeader;
        if (headers.TryGetValues(SigV4Names.AmzDateHeader, out var amzDates))
        {
            if (amzDates.Count != 1)
            {
                return Duplicated("X-Amz-Date");
            }

            var text = amzDates[0].AsSpan().Trim();
            if (!AmzDate.TryParse(text, out signedAt))
            {
                return MalformedAmzDate();
            }

            amzDate = text.ToString();
            dateHeader = SigV4Names.AmzDateHeader;
        }
        else if (headers.TryGetValues(SigV4Names.DateHeader, out var dates))
        {
            if (dates.Count != 1)
            {
                return Duplicated("Date");
            }

            if (!AmzDate.TryParseHttpDate(dates[0].AsSpan().Trim(), out signedAt))
            {
                return new SigV4Failure(SigV4FailureReason.MalformedDate, "The Date header must be an RFC 9110 IMF-fixdate.");
            }

            amzDate = AmzDate.Format16(signedAt);
            dateHeader = SigV4Names.DateHeader;
        }
        else
        {
            return new SigV4Failure(SigV4FailureReason.MalformedDate,
                "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
        }

        // The KVS C SDK sends the token in this header without signing it; AWS SDKs sign it. Either is fine:
        // the resolver binds the token to the access key, and the signature proves possession of the secret.
        string? token = null;
        if (headers.TryGetValues(SigV4Names.SecurityTokenHeader, out var tokens))
        {
            if (tokens.Count != 1)
            {
                return Duplicated("X-Amz-Security-Token");
            }

            token = NullIfEmpty(tokens[0].Trim());
        }

        claims = new SignatureClaims
        {
            Form = SigV4AuthenticationForm.Header,
            Credential = scope!,
            SignedHeaders = signedHeaders!,
            Signature = signature,
            AmzDate = amzDate,
            SignedAt = signedAt,
            DateHeader = dateHeader,
            SessionToken = token,
            SortedQuery = sortedQuery,
        };
        return null;
    }

    private static SigV4Failure? ReadQueryForm(SigV4HeaderCollection headers, List<QueryParameter> sortedQuery, out SignatureClaims? claims)
    {
        claims = null;
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var parameter in sortedQuery)
        {
            // One value per X-Amz-* name: for the auth parameters a second value would be ambiguous, and for
            // KVS parameters (X-Amz-ChannelARN, X-Amz-ClientId) the application could read a different one
            // from the one its policy check saw.
            if (parameter.Name.StartsWith("X-Amz-", StringComparison.OrdinalIgnoreCase) && !seen.Add(parameter.Name))
            {
                return new SigV4Failure(SigV4FailureReason.DuplicateQueryParameter,
                    "Each X-Amz-* query parameter may appear only once.");
            }
        }

        var missing = Array.FindAll(RequiredQueryParameters, name => Find(sortedQuery, name) is null);
        if (missing.Length > 0)
        {
            return new SigV4Failure(SigV4FailureReason.MissingQueryParameter,
                $"AWS query-string parameters must include '{string.Join("', '", missing)}'. Re-examine the query-string parameters.");
        }

        if (Find(sortedQuery, SigV4Names.AlgorithmParameter) != SignatureMath.Algorithm)
        {
            return new SigV4Failure(SigV4FailureReason.UnsupportedAlgorithm,
                "X-Amz-Algorithm only supports 'AWS4-HMAC-SHA256'.");
        }

        if (!CredentialScope.TryParse(Find(sortedQuery, SigV4Names.CredentialParameter), out var scope, out var failure)
            || !SignedHeaderList.TryParse(Find(sortedQuery, SigV4Names.SignedHeadersParameter), out var signedHeaders, out failure))
        {
            return failure;
        }

        if (!SignatureHex.TryDecode(Find(sortedQuery, SigV4Names.SignatureParameter), out var signature))
        {
            return MalformedSignature();
        }

        var amzDate = Find(sortedQuery, SigV4Names.DateParameter)!;
        if (!AmzDate.TryParse(amzDate, out var signedAt))
        {
            return MalformedAmzDate();
        }

        if (!TryParseSeconds(Find(sortedQuery, SigV4Names.ExpiresParameter), out var expires))
        {
            return new SigV4Failure(SigV4FailureReason.MalformedExpires, "X-Amz-Expires must be a non-negative integer number of seconds.");
        }

        // The token is part of the signed query (KVS requires it there); a header token is the fallback for
        // clients that presign without it, and both together must agree.
        var token = NullIfEmpty(Find(sortedQuery, SigV4Names.SecurityTokenParameter));
        if (headers.TryGetValues(SigV4Names.SecurityTokenHeader, out var tokens))
        {
            if (tokens.Count != 1)
            {
                return Duplicated("X-Amz-Security-Token");
            }

            var headerToken = NullIfEmpty(tokens[0].Trim());
            if (token is not null && headerToken is not null && !string.Equals(token, headerToken, StringComparison.Ordinal))
            {
                return new SigV4Failure(SigV4FailureReason.AmbiguousAuthentication,
                    "X-Amz-Security-Token differs between the query string and the header.");
            }

            token ??= headerToken;
        }

        claims = new SignatureClaims
        {
            Form = SigV4AuthenticationForm.Query,
            Credential = scope!,
            SignedHeaders = signedHeaders!,
            Signature = signature,
            AmzDate = amzDate,
            SignedAt = signedAt,
            ExpiresSeconds = expires,
            SessionToken = token,
            SortedQuery = sortedQuery,
        };
        return null;
    }

    /// <summary>Parses digits only (no sign, no spaces); values beyond <see cref="long"/> saturate, since they are capped anyway.</summary>
    private static bool TryParseSeconds(string? text, out long seconds)
    {
        seconds = 0;
        if (string.IsNullOrEmpty(text) || text.AsSpan().ContainsAnyExceptInRange('0', '9'))
        {
            return false;
        }

        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out seconds))
        {
            seconds = long.MaxValue;
        }

        return true;
    }

    private static string? Find(List<QueryParameter> parameters, string name)
    {
        foreach (var parameter in parameters)
        {
            if (string.Equals(parameter.Name, name, StringComparison.Ordinal))
            {
                return parameter.Value;
            }
        }

        return null;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static SigV4Failure Duplicated(string header) =>
        new(SigV4FailureReason.AmbiguousAuthentication, $"The {header} header may appear only once.");

    private static SigV4Failure MalformedSignature() =>
        new(SigV4FailureReason.MalformedAuthorization, "Signature must be 64 hexadecimal characters.");

    private static SigV4Failure MalformedAmzDate() =>
        new(SigV4FailureReason.MalformedDate, "X-Amz-Date must be in ISO 8601 basic format yyyyMMdd'T'HHmmss'Z'.");
}
