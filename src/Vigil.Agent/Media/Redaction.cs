namespace Vigil.Agent.Media;

/// <summary>
/// Keeps camera passwords out of the log: RTSP URLs carry them as <c>user:password@</c>, and ffmpeg
/// repeats the URL in its own messages.
/// </summary>
internal static class Redaction
{
    /// <summary>The URL with its password (if any) replaced by <c>***</c>; text that is not a URL is returned unchanged.</summary>
    public static string Redact(string url)
    {
        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        if (scheme < 0)
        {
            return url;
        }

        var authorityStart = scheme + 3;
        var authorityEnd = url.IndexOfAny(['/', '?', '#'], authorityStart);
        var authority = authorityEnd < 0 ? url[authorityStart..] : url[authorityStart..authorityEnd];
        var at = authority.LastIndexOf('@');
        if (at < 0)
        {
            return url;
        }

        var user = authority[..at];
        var colon = user.IndexOf(':', StringComparison.Ordinal);
        var shown = colon < 0 ? user : user[..colon] + ":***";
        return url[..authorityStart] + shown + authority[at..] + (authorityEnd < 0 ? string.Empty : url[authorityEnd..]);
    }

    /// <summary>
    /// A function that removes the secrets of <paramref name="url"/> (its user-info, raw and percent-decoded)
    /// from any text, such as an ffmpeg log line.
    /// </summary>
    public static Func<string, string> For(string url)
    {
        var secrets = new List<string>();
        if (Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            if (colon >= 0 && colon < uri.UserInfo.Length - 1)
            {
                var password = uri.UserInfo[(colon + 1)..];
                secrets.Add(password);
                var decoded = Uri.UnescapeDataString(password);
                if (decoded != password)
                {
                    secrets.Add(decoded);
                }
            }
        }

        if (secrets.Count == 0)
        {
            return text => text;
        }

        return text =>
        {
            foreach (var secret in secrets)
            {
                text = text.Replace(secret, "***", StringComparison.Ordinal);
            }

            return text;
        };
    }
}
