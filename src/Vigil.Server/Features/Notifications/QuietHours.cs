using System.Globalization;

namespace Vigil.Server.Features.Notifications;

/// <summary>A daily quiet period <c>HH:mm-HH:mm</c>; it may wrap midnight (<c>22:00-07:00</c>). The end is exclusive.</summary>
internal readonly record struct QuietHours(TimeOnly Start, TimeOnly End)
{
    public static bool TryParse(string? text, out QuietHours quiet)
    {
        quiet = default;
        var parts = text?.Split('-');
        if (parts is not [var start, var end]
            || !TimeOnly.TryParseExact(start.Trim(), "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var s)
            || !TimeOnly.TryParseExact(end.Trim(), "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var e)
            || s == e)
        {
            return false;
        }

        quiet = new QuietHours(s, e);
        return true;
    }

    public bool Contains(TimeOnly time) => Start < End ? time >= Start && time < End : time >= Start || time < End;

    public override string ToString() => $"{Start:HH\\:mm}-{End:HH\\:mm}";
}
