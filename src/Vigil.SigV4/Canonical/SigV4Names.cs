using System.Buffers;

namespace Vigil.SigV4.Canonical;

/// <summary>Header and query parameter names of SigV4.</summary>
internal static class SigV4Names
{
    public const string AuthorizationHeader = "authorization";
    public const string HostHeader = "host";
    public const string DateHeader = "date";
    public const string AmzDateHeader = "x-amz-date";
    public const string SecurityTokenHeader = "x-amz-security-token";
    public const string ContentSha256Header = "x-amz-content-sha256";

    public const string AlgorithmParameter = "X-Amz-Algorithm";
    public const string CredentialParameter = "X-Amz-Credential";
    public const string DateParameter = "X-Amz-Date";
    public const string ExpiresParameter = "X-Amz-Expires";
    public const string SignedHeadersParameter = "X-Amz-SignedHeaders";
    public const string SecurityTokenParameter = "X-Amz-Security-Token";
    public const string SignatureParameter = "X-Amz-Signature";

    /// <summary>The longest X-Amz-Expires AWS accepts: one week (AWS SigV4 query-string authentication).</summary>
    public const long MaxExpiresSeconds = 604_800;

    /// <summary>Characters that cannot appear in an access key id: they would break <c>Credential=…</c>.</summary>
    public static readonly SearchValues<char> AccessKeyIdDelimiters = SearchValues.Create("/,= \t\r\n");

    /// <summary>ASCII whitespace and line breaks.</summary>
    public static readonly SearchValues<char> Whitespace = SearchValues.Create(" \t\r\n\v\f");

    /// <summary>Whether <paramref name="name"/> is one of the query parameters that carry the signature itself.</summary>
    public static bool IsAuthParameter(string name) =>
        name.Equals(AlgorithmParameter, StringComparison.OrdinalIgnoreCase)
        || name.Equals(CredentialParameter, StringComparison.OrdinalIgnoreCase)
        || name.Equals(DateParameter, StringComparison.OrdinalIgnoreCase)
        || name.Equals(ExpiresParameter, StringComparison.OrdinalIgnoreCase)
        || name.Equals(SignedHeadersParameter, StringComparison.OrdinalIgnoreCase)
        || name.Equals(SecurityTokenParameter, StringComparison.OrdinalIgnoreCase)
        || name.Equals(SignatureParameter, StringComparison.OrdinalIgnoreCase);

    /// <summary>RFC 9110 §5.6.2 token characters, lowercase only (SignedHeaders lists lowercase names).</summary>
    public static bool IsLowercaseToken(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty)
        {
            return false;
        }

        foreach (var c in name)
        {
            var ok = c is (>= 'a' and <= 'z') or (>= '0' and <= '9')
                or '!' or '#' or '$' or '%' or '&' or '\'' or '*' or '+' or '-' or '.' or '^' or '_' or '`' or '|' or '~';
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Characters allowed in a credential-scope region or service: lowercase letters, digits, '-'.</summary>
    public static bool IsScopeName(ReadOnlySpan<char> value) =>
        value.Length is > 0 and <= 64 && !value.ContainsAnyExcept(ScopeNameCharacters);

    private static readonly SearchValues<char> ScopeNameCharacters = SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789-");
}
