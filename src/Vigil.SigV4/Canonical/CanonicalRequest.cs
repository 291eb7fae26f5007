namespace Vigil.SigV4.Canonical;

/// <summary>
/// The canonical request (AWS SigV4 documentation, "Create a canonical request"): six parts joined by
/// <c>\n</c> — method, canonical URI, canonical query string, canonical headers (each line ends with
/// <c>\n</c>, so an empty line follows them), signed-header list, hex SHA-256 of the payload.
/// </summary>
internal static class CanonicalRequest
{
    /// <returns>The first signed header name absent from <paramref name="headers"/>, or <see langword="null"/>.</returns>
    public static string? Append(
        ref ValueStringBuilder builder,
        string method,
        string path,
        SigV4CanonicalUriMode uriMode,
        List<QueryParameter> sortedQuery,
        string? excludedQueryName,
        IReadOnlyList<string> signedHeaderNames,
        ReadOnlySpan<char> signedHeadersText,
        SigV4HeaderCollection headers,
        ReadOnlySpan<char> payloadHash)
    {
        builder.Append(method);
        builder.Append('\n');
        CanonicalUri.Append(ref builder, path, uriMode);
        builder.Append('\n');
        CanonicalQuery.Append(ref builder, sortedQuery, excludedQueryName);
        builder.Append('\n');
        var missing = CanonicalHeaders.Append(ref builder, signedHeaderNames, headers);
        if (missing is not null)
        {
            return missing;
        }

        builder.Append('\n');
        builder.Append(signedHeadersText);
        builder.Append('\n');
        builder.Append(payloadHash);
        return null;
    }
}
