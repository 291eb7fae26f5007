namespace Vigil.Server.Hosting;

/// <summary>Untrusted text made safe to quote in an error message or a log line.</summary>
internal static class DisplayText
{
    /// <summary>
    /// Enough of a bad value to recognise it: at most <paramref name="maxLength"/> characters (then
    /// <paramref name="ellipsis"/>), control characters shown as <c>?</c> so they cannot forge lines.
    /// Never pass a secret.
    /// </summary>
    public static string Printable(string value, int maxLength = 40, string ellipsis = "…")
    {
        var cut = value.Length > maxLength ? value[..maxLength] + ellipsis : value;
        return new string([.. cut.Select(c => char.IsControl(c) ? '?' : c)]);
    }
}
