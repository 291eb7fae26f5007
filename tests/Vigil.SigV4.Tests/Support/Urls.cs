namespace Vigil.SigV4.Tests.Support;

/// <summary>Turns a URL string into the pieces a server sees, without <see cref="Uri"/>'s normalisation.</summary>
internal static class Urls
{
    public static SigV4VerificationRequest ToUpgradeRequest(string url, SigV4HeaderCollection? extraHeaders = null)
    {
        var afterScheme = url.IndexOf("://", StringComparison.Ordinal) + 3;
        var pathStart = url.IndexOfAny(['/', '?'], afterScheme);
        var host = pathStart < 0 ? url[afterScheme..] : url[afterScheme..pathStart];
        var target = pathStart < 0 ? "/" : url[pathStart..];
        var question = target.IndexOf('?', StringComparison.Ordinal);
        var headers = extraHeaders?.Clone() ?? new SigV4HeaderCollection();
        headers.Add("Host", host);
        headers.Add("Upgrade", "websocket");
        headers.Add("Connection", "Upgrade");
        return new SigV4VerificationRequest
        {
            Method = "GET",
            Path = question < 0 ? target : target[..question],
            QueryString = question < 0 ? null : target[question..],
            Headers = headers,
        };
    }

    /// <summary>Query string of <paramref name="url"/> without the <c>?</c>.</summary>
    public static string QueryOf(string url) => url[(url.IndexOf('?', StringComparison.Ordinal) + 1)..];

    /// <summary>Replaces the query of <paramref name="url"/>.</summary>
    public static string WithQuery(string url, string query) => url[..(url.IndexOf('?', StringComparison.Ordinal) + 1)] + query;
}
