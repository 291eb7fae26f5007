using System.Text;

namespace Vigil.WebRtc.Stun;

/// The parts of SASLprep (RFC 4013) that matter for STUN long-term credentials.
/// RFC 4013 §2: map "commonly mapped to nothing" characters (RFC 3454 B.1) to nothing, map
/// non-ASCII spaces (C.1.2) to U+0020, then normalise with NFKC.
/// The process runs with InvariantGlobalization, where <see cref="string.Normalize(NormalizationForm)"/>
/// leaves the text unchanged, so a small compatibility table covers the decompositions that occur in
/// typed passwords (Latin-1 ordinals and superscripts, Roman numerals, fullwidth ASCII); when ICU is
/// available the full NFKC is used instead. Prohibited-output and bidi checks are not done: they can
/// only reject a credential, and the server is the one that decides.
internal static class StringPrep
{
    public static string Prepare(string value)
    {
        if (IsPlainAscii(value))
        {
            return value;
        }

        var mapped = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (IsMappedToNothing(c))
            {
                continue;
            }

            mapped.Append(IsNonAsciiSpace(c) ? ' ' : c);
        }

        var text = mapped.ToString();
        var normalized = text.Normalize(NormalizationForm.FormKC);
        return NormalizationWorks() ? normalized : ApplyCompatibilityTable(text);
    }

    private static bool IsPlainAscii(string value)
    {
        foreach (var c in value)
        {
            if (c is < (char)0x20 or > (char)0x7E)
            {
                return false;
            }
        }

        return true;
    }

    // RFC 3454 table B.1.
    private static bool IsMappedToNothing(char c) =>
        c is '\u00AD' or '\u034F' or '\u1806' or '\u180B' or '\u180C' or '\u180D' or '\u200B' or '\u200C'
            or '\u200D' or '\u2060' or '\uFEFF' or (>= '\uFE00' and <= '\uFE0F');

    // RFC 3454 table C.1.2.
    private static bool IsNonAsciiSpace(char c) =>
        c is '\u00A0' or '\u1680' or (>= '\u2000' and <= '\u200B') or '\u202F' or '\u205F' or '\u3000';

    private static bool NormalizationWorks() => "\u2168".Normalize(NormalizationForm.FormKC) == "IX";

    private static string ApplyCompatibilityTable(string text)
    {
        var result = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            result.Append(Decompose(c));
        }

        return result.ToString();
    }

    // NFKC compatibility mappings (Unicode data, <compat>/<super>/<wide>/<fraction> decompositions).
    private static string Decompose(char c) => c switch
    {
        '\u00AA' => "a",
        '\u00B2' => "2",
        '\u00B3' => "3",
        '\u00B5' => "\u03BC",
        '\u00B9' => "1",
        '\u00BA' => "o",
        '\u00BC' => "1\u20444",
        '\u00BD' => "1\u20442",
        '\u00BE' => "3\u20444",
        >= '\u2160' and <= '\u216F' => RomanNumerals[c - '\u2160'],
        >= '\u2170' and <= '\u217F' => RomanNumerals[c - '\u2170'].ToLowerInvariant(),
        >= '\uFF01' and <= '\uFF5E' => ((char)(c - 0xFEE0)).ToString(),
        _ => c.ToString(),
    };

    private static readonly string[] RomanNumerals =
        ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "L", "C", "D", "M"];
}
