namespace Vigil.SigV4.Canonical;

/// <summary>
/// The CanonicalHeaders and SignedHeaders lines (AWS SigV4 documentation, "Create a canonical request"):
/// one <c>name:value\n</c> line per signed header, the name lowercase, the value trimmed with internal runs
/// of whitespace collapsed to one space ("Trimall"; this also folds obsolete line folding, see the test
/// suite's get-header-value-multiline), repeated fields joined with <c>,</c> in arrival order.
/// </summary>
internal static class CanonicalHeaders
{
    /// <summary>Appends the canonical header lines for <paramref name="signedHeaderNames"/> in the given order.</summary>
    /// <returns>The first signed name that has no value in <paramref name="headers"/>, or <see langword="null"/>.</returns>
    public static string? Append(ref ValueStringBuilder builder, IReadOnlyList<string> signedHeaderNames, SigV4HeaderCollection headers)
    {
        foreach (var name in signedHeaderNames)
        {
            if (!headers.TryGetValues(name, out var values))
            {
                return name;
            }

            builder.Append(name);
            builder.Append(':');
            for (var i = 0; i < values.Count; i++)
            {
                if (i > 0)
                {
                    builder.Append(',');
                }

                AppendTrimmed(ref builder, values[i]);
            }

            builder.Append('\n');
        }

        return null;
    }

    /// <summary>Writes <paramref name="value"/> trimmed, with each run of whitespace collapsed to a single space.</summary>
    public static void AppendTrimmed(ref ValueStringBuilder builder, ReadOnlySpan<char> value)
    {
        value = value.Trim(Whitespace);
        var pendingSpace = false;
        foreach (var c in value)
        {
            if (Whitespace.Contains(c))
            {
                pendingSpace = true;
                continue;
            }

            if (pendingSpace)
            {
                builder.Append(' ');
                pendingSpace = false;
            }

            builder.Append(c);
        }
    }

    /// <summary>ASCII whitespace as the AWS SDKs' <c>\s+</c> collapse sees it in header values.</summary>
    private static ReadOnlySpan<char> Whitespace => " \t\r\n\v\f";
}
