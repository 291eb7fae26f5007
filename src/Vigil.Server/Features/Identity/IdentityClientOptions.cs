using System.Net;
using System.Text.RegularExpressions;

namespace Vigil.Server.Features.Identity;

/// <summary>One entry of <c>Identity:Clients</c>: a public OpenID Connect client (no secret; PKCE S256).</summary>
internal sealed partial class IdentityClientOptions
{
    public string? ClientId { get; set; }

    public string? DisplayName { get; set; }

    /// <summary>Where authorization responses may be sent; exact matches only.</summary>
    public IList<string> RedirectUris { get; } = [];

    /// <summary>Where the end-session endpoint may send the browser after signing out.</summary>
    public IList<string> PostLogoutRedirectUris { get; } = [];

    public IEnumerable<string> Problems()
    {
        if (string.IsNullOrEmpty(ClientId) || !ClientIdPattern().IsMatch(ClientId))
        {
            yield return "ClientId must be 1 to 100 letters, digits, '.', '_' or '-'";
        }

        if (RedirectUris.Count == 0)
        {
            yield return $"client '{ClientId}' needs at least one RedirectUris entry";
        }

        foreach (var uri in RedirectUris.Concat(PostLogoutRedirectUris))
        {
            if (Describe(uri) is { } problem)
            {
                yield return $"client '{ClientId}': '{uri}' {problem}";
            }
        }
    }

    /// <summary>
    /// RFC 9700 §2.1 / RFC 8252 §7: absolute, no fragment, and plain http only towards the
    /// loopback interface (native apps); custom schemes (com.example.app:/cb) are allowed.
    /// </summary>
    public static string? Describe(string uri)
    {
        // On Unix "/path" parses as an absolute file: URI; a redirect URI never is one.
        if (!Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || parsed.IsFile || uri.StartsWith('/'))
        {
            return "is not an absolute URI";
        }

        if (parsed.Fragment.Length > 0)
        {
            return "must not have a fragment";
        }

        if (parsed.Scheme == Uri.UriSchemeHttp && !(parsed.IsLoopback || IPAddress.TryParse(parsed.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip)))
        {
            return "uses plain http to a host other than the loopback interface; use https";
        }

        return null;
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,100}$")]
    private static partial Regex ClientIdPattern();
}
