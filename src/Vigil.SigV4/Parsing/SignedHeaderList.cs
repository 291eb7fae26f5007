using Vigil.SigV4.Canonical;

namespace Vigil.SigV4.Parsing;

/// <summary>
/// The SignedHeaders value: <c>;</c>-separated lowercase header names. Names are kept in the order given and
/// the canonical headers are written in that order too: a conforming client sorts them, and a client that
/// does not at least signed in its own order, which the signature covers either way.
/// </summary>
internal sealed class SignedHeaderList
{
    private const int MaxLength = 4096;

    private SignedHeaderList(string text, List<string> names)
    {
        Text = text;
        Names = names;
    }

    public string Text { get; }

    public List<string> Names { get; }

    public bool Contains(string name) => Names.Contains(name, StringComparer.Ordinal);

    public static bool TryParse(ReadOnlySpan<char> text, out SignedHeaderList? list, out SigV4Failure? failure)
    {
        list = null;
        if (text.IsEmpty || text.Length > MaxLength)
        {
            failure = Malformed();
            return false;
        }

        var names = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var range in text.Split(';'))
        {
            var name = text[range];
            if (!SigV4Names.IsLowercaseToken(name))
            {
                failure = Malformed();
                return false;
            }

            var value = name.ToString();
            if (!seen.Add(value))
            {
                failure = Malformed();
                return false;
            }

            names.Add(value);
        }

        list = new SignedHeaderList(text.ToString(), names);
        failure = null;
        return true;
    }

    private static SigV4Failure Malformed() => new(SigV4FailureReason.MalformedAuthorization,
        "SignedHeaders must be a ';'-separated list of distinct lowercase header names.");
}
