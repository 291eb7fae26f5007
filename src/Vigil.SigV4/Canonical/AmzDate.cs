using System.Globalization;

namespace Vigil.SigV4.Canonical;

/// <summary>The SigV4 timestamp, ISO 8601 basic format <c>yyyyMMdd'T'HHmmss'Z'</c> in UTC (16 characters).</summary>
internal static class AmzDate
{
    public const int Length = 16;
    private const string Format = "yyyyMMdd'T'HHmmss'Z'";

    public static string Format16(DateTimeOffset time) =>
        time.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture);

    /// <summary>Parses exactly 16 characters <c>DDDDDDDDTDDDDDDZ</c>; anything else (signs, spaces, offsets) is refused.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out DateTimeOffset time)
    {
        time = default;
        if (text.Length != Length || text[8] != 'T' || text[15] != 'Z')
        {
            return false;
        }

        for (var i = 0; i < 15; i++)
        {
            if (i != 8 && !char.IsAsciiDigit(text[i]))
            {
                return false;
            }
        }

        if (!DateTime.TryParseExact(text, Format, CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var parsed))
        {
            return false; // e.g. month 13 or 30 February
        }

        time = new DateTimeOffset(parsed, TimeSpan.Zero);
        return true;
    }

    /// <summary>
    /// Parses an HTTP <c>Date</c> header in the RFC 9110 §5.6.7 IMF-fixdate form
    /// (<c>Sun, 06 Nov 1994 08:49:37 GMT</c>), the only form SigV4 clients send.
    /// </summary>
    public static bool TryParseHttpDate(ReadOnlySpan<char> text, out DateTimeOffset time) =>
        DateTimeOffset.TryParseExact(text, "r", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out time);
}
