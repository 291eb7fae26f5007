using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Vigil.TestSupport;

namespace Vigil.Server.Tests.Features.Identity;

/// <summary>
/// A browser without JavaScript, over real HTTPS: keeps cookies, reads forms (with their
/// anti-forgery token) and follows redirects only within Vigil, so a test sees where the flow
/// sends it. The pages work without JavaScript, so this is how a simple browser uses them.
/// </summary>
internal sealed partial class AccountBrowser : IDisposable
{
    public AccountBrowser(X509Certificate2 root, Uri baseAddress)
    {
        Cookies = new CookieContainer();
        var handler = new SocketsHttpHandler
        {
            CookieContainer = Cookies,
            UseCookies = true,
            AllowAutoRedirect = false,
            SslOptions = new SslClientAuthenticationOptions { CertificateChainPolicy = VigilTrust.ChainPolicy(root) },
        };
        Client = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public AccountBrowser(RunningVigil vigil)
        : this(vigil.RootCertificate, vigil.Https)
    {
    }

    public HttpClient Client { get; }

    public CookieContainer Cookies { get; }

    /// <summary>GETs a page, following redirects inside Vigil; the last response and its URL.</summary>
    public async Task<BrowserPage> GetAsync(string url, CancellationToken cancellationToken) =>
        await FollowAsync(await Client.GetAsync(url, cancellationToken), new Uri(Client.BaseAddress!, url), cancellationToken);

    /// <summary>Loads <paramref name="url"/>, fills its form (anti-forgery token included) and submits it.</summary>
    public async Task<BrowserPage> SubmitAsync(string url, IReadOnlyDictionary<string, string> fields, CancellationToken cancellationToken, string? handler = null)
    {
        var form = await GetAsync(url, cancellationToken);
        Assert.True(form.Status == HttpStatusCode.OK, $"GET {url} answered {(int)form.Status} at {form.Url}:\n{form.Html}");
        return await PostAsync(form.Url.PathAndQuery + (handler is null ? "" : (form.Url.Query.Length == 0 ? "?" : "&") + "handler=" + handler), form.AntiforgeryToken(), fields, cancellationToken);
    }

    public async Task<BrowserPage> PostAsync(string url, string? antiforgeryToken, IReadOnlyDictionary<string, string> fields, CancellationToken cancellationToken)
    {
        var content = fields.ToDictionary();
        if (antiforgeryToken is not null)
        {
            content["__RequestVerificationToken"] = antiforgeryToken;
        }

        var response = await Client.PostAsync(url, new FormUrlEncodedContent(content), cancellationToken);
        return await FollowAsync(response, new Uri(Client.BaseAddress!, url), cancellationToken);
    }

    private async Task<BrowserPage> FollowAsync(HttpResponseMessage response, Uri url, CancellationToken cancellationToken)
    {
        for (var hops = 0; hops < 10; hops++)
        {
            if ((int)response.StatusCode is < 300 or >= 400 || response.Headers.Location is null)
            {
                return new BrowserPage(response.StatusCode, url, await response.Content.ReadAsStringAsync(cancellationToken), null, response);
            }

            var next = new Uri(url, response.Headers.Location);
            if (next.Scheme != Client.BaseAddress!.Scheme || next.Authority != Client.BaseAddress.Authority)
            {
                // Leaving Vigil (e.g. to a client's redirect URI): stop and report where.
                return new BrowserPage(response.StatusCode, url, await response.Content.ReadAsStringAsync(cancellationToken), next, response);
            }

            url = next;
            response.Dispose();
            response = await Client.GetAsync(next, cancellationToken);
        }

        throw new InvalidOperationException($"too many redirects, last at {url}");
    }

    public void Dispose() => Client.Dispose();
}

/// <summary>Where a browser ended up: the page's status, URL and HTML, or the external URL it was sent to.</summary>
internal sealed partial record BrowserPage(HttpStatusCode Status, Uri Url, string Html, Uri? LeftTo, HttpResponseMessage Response)
{
    public string? AntiforgeryToken() =>
        AntiforgeryPattern().Match(Html) is { Success: true } match ? WebUtility.HtmlDecode(match.Groups[1].Value) : null;

    /// <summary>The text of the element with this id (HTML decoded, tags removed).</summary>
    public string? TextOf(string id)
    {
        var match = Regex.Match(Html, $"<(\\w+)[^>]*\\bid=\"{Regex.Escape(id)}\"[^>]*>(.*?)</\\1>", RegexOptions.Singleline);
        return match.Success ? WebUtility.HtmlDecode(TagPattern().Replace(match.Groups[2].Value, "")).Trim() : null;
    }

    public string? HrefOf(string id)
    {
        var match = Regex.Match(Html, $"<a[^>]*\\bid=\"{Regex.Escape(id)}\"[^>]*href=\"([^\"]*)\"", RegexOptions.Singleline);
        return match.Success ? WebUtility.HtmlDecode(match.Groups[1].Value) : null;
    }

    public IReadOnlyList<string> RecoveryCodes() =>
        CodePattern().Matches(TextOfRaw("recovery-codes") ?? "").Select(m => WebUtility.HtmlDecode(m.Groups[1].Value)).ToList();

    private string? TextOfRaw(string id)
    {
        var match = Regex.Match(Html, $"<(\\w+)[^>]*\\bid=\"{Regex.Escape(id)}\"[^>]*>(.*?)</\\1>", RegexOptions.Singleline);
        return match.Success ? match.Groups[2].Value : null;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryPattern();

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex TagPattern();

    [GeneratedRegex("<code>([^<]+)</code>")]
    private static partial Regex CodePattern();
}
