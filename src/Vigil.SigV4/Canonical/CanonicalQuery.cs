using System.Buffers;
using System.Text;

namespace Vigil.SigV4.Canonical;

/// <summary>
/// The canonical query string (AWS SigV4 documentation, "Create a canonical request", CanonicalQueryString):
/// every parameter's name and value percent-decoded then re-encoded with the strict SigV4 rule, sorted by
/// encoded name and then encoded value, joined as <c>name=value</c> pairs with <c>&amp;</c>. A parameter
/// without <c>=</c> has an empty value. Re-encoding makes the result independent of how the client
/// encoded its URL (<c>:</c> raw or <c>%3A</c>, <c>%2f</c> or <c>%2F</c>), which is what lets one verifier
/// accept both the KVS JS SDK's and the KVS C SDK's URLs.
/// </summary>
internal static class CanonicalQuery
{
    private const int StackLimit = 512;

    /// <summary>Splits a raw query string (with or without the leading <c>?</c>) into parameters in arrival order.</summary>
    public static List<QueryParameter> Parse(ReadOnlySpan<char> rawQuery)
    {
        if (!rawQuery.IsEmpty && rawQuery[0] == '?')
        {
            rawQuery = rawQuery[1..];
        }

        var parameters = new List<QueryParameter>();
        foreach (var range in rawQuery.Split('&'))
        {
            var pair = rawQuery[range];
            if (pair.IsEmpty)
            {
                continue; // "a=1&&b=2": an empty pair carries nothing (AWS SDKs never produce one).
            }

            var equals = pair.IndexOf('=');
            var rawName = equals < 0 ? pair : pair[..equals];
            var rawValue = equals < 0 ? [] : pair[(equals + 1)..];
            var (encodedName, name) = Canonicalize(rawName);
            var (encodedValue, value) = Canonicalize(rawValue);
            parameters.Add(new QueryParameter(encodedName, encodedValue, name, value));
        }

        return parameters;
    }

    /// <summary>Creates a parameter from an unencoded name and value (signing side).</summary>
    public static QueryParameter FromDecoded(string name, string value) =>
        new(UriEncoding.Encode(name, keepSlash: false), UriEncoding.Encode(value, keepSlash: false), name, value);

    /// <summary>Sorts by encoded name, then encoded value, both by ordinal (byte) order.</summary>
    public static void Sort(List<QueryParameter> parameters) =>
        parameters.Sort(static (a, b) =>
        {
            var byName = string.CompareOrdinal(a.EncodedName, b.EncodedName);
            return byName != 0 ? byName : string.CompareOrdinal(a.EncodedValue, b.EncodedValue);
        });

    /// <summary>Appends sorted parameters, leaving out every parameter named <paramref name="excludedName"/>.</summary>
    public static void Append(ref ValueStringBuilder builder, List<QueryParameter> sortedParameters, string? excludedName)
    {
        var first = true;
        foreach (var parameter in sortedParameters)
        {
            if (excludedName is not null && string.Equals(parameter.Name, excludedName, StringComparison.Ordinal))
            {
                continue;
            }

            if (!first)
            {
                builder.Append('&');
            }

            first = false;
            builder.Append(parameter.EncodedName);
            builder.Append('=');
            builder.Append(parameter.EncodedValue);
        }
    }

    private static (string Encoded, string Decoded) Canonicalize(ReadOnlySpan<char> raw)
    {
        if (raw.IsEmpty)
        {
            return (string.Empty, string.Empty);
        }

        var maxBytes = Encoding.UTF8.GetByteCount(raw);
        byte[]? rented = null;
        var bytes = maxBytes <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(maxBytes));
        try
        {
            var decoded = bytes[..UriEncoding.PercentDecode(raw, bytes)];
            var builder = new ValueStringBuilder(stackalloc char[256]);
            try
            {
                UriEncoding.AppendEncoded(ref builder, decoded, keepSlash: false);
                return (builder.ToString(), Encoding.UTF8.GetString(decoded));
            }
            finally
            {
                builder.Dispose();
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
