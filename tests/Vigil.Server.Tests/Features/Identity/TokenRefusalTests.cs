using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Vigil.Server.Features.Identity;
using Vigil.TestSupport;

namespace Vigil.Server.Tests.Features.Identity;

/// <summary>The authorization server and the API refuse what OAuth 2.0 says they must.</summary>
public sealed class TokenRefusalTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(RunningVigil Vigil, AccountBrowser Browser)> SignedInAsync(string email)
    {
        var vigil = await IdentityTestServer.StartAsync(cancellationToken: Ct);
        var temporary = await vigil.AddUserAsync(email);
        var browser = new AccountBrowser(vigil);
        await browser.FirstSignInAsync(email, temporary, Ct);
        return (vigil, browser);
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("plain")]
    public async Task An_authorization_request_without_s256_pkce_is_refused(string pkce)
    {
        var (vigil, browser) = await SignedInAsync("ivan@example.com");
        await using var _ = vigil;
        using var __ = browser;

        var url = pkce == "missing" ? IdentityTestServer.AuthorizeUrl(pkce: null) : IdentityTestServer.AuthorizeUrl(Pkce.Create(), method: "plain");
        var page = await browser.GetAsync(url, Ct);

        // OpenIddict answers these before trusting the request enough to redirect: an error page, no code.
        Assert.Null(page.LeftTo);
        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        Assert.Contains("invalid_request", page.Html, StringComparison.Ordinal);
        Assert.Contains("code_challenge", page.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_plain_code_verifier_cannot_redeem_an_s256_code_and_discovery_offers_only_s256()
    {
        var (vigil, browser) = await SignedInAsync("judy@example.com");
        await using var _ = vigil;
        using var __ = browser;
        var pkce = Pkce.Create();
        var code = await browser.AuthorizeAsync(pkce, Ct);

        var (status, body) = await browser.Client.RedeemCodeAsync(code, pkce.Challenge, Ct);
        var discovery = await browser.Client.GetFromJsonAsync<JsonElement>("/.well-known/openid-configuration", Ct);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_grant", body.Error);
        Assert.Equal(["S256"], discovery.GetProperty("code_challenge_methods_supported").EnumerateArray().Select(m => m.GetString()));
    }

    [Fact]
    public async Task An_unregistered_redirect_uri_gets_an_error_page_and_no_redirect()
    {
        var (vigil, browser) = await SignedInAsync("mallory@example.com");
        await using var _ = vigil;
        using var __ = browser;

        var page = await browser.GetAsync(IdentityTestServer.AuthorizeUrl(Pkce.Create(), redirectUri: "https://attacker.example/callback"), Ct);

        Assert.Null(page.LeftTo);
        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        Assert.Contains("invalid_request", page.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_api_refuses_a_call_without_a_token_and_with_a_garbage_token()
    {
        await using var vigil = await IdentityTestServer.StartAsync(cancellationToken: Ct);
        using var client = vigil.CreateClient();

        using var none = await client.GetMeAsync(null, Ct);
        using var garbage = await client.GetMeAsync("not.a.token", Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.StartsWith("Bearer", none.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, garbage.StatusCode);
    }

    [Fact]
    public async Task Access_tokens_are_signed_jwts_with_sub_email_role_scope_and_the_api_audience()
    {
        await using var vigil = await IdentityTestServer.StartAsync(cancellationToken: Ct);
        using var user = await vigil.SignUpAndGetTokensAsync("kim@example.com", Ct, admin: true);

        var jwt = new JsonWebToken(user.Tokens.AccessToken);
        var jwks = await user.Browser.Client.GetFromJsonAsync<JsonElement>("/.well-known/jwks", Ct);

        Assert.Equal("RS256", jwt.Alg);
        Assert.Equal("at+jwt", jwt.Typ);
        Assert.Contains(jwks.GetProperty("keys").EnumerateArray(), k => k.GetProperty("kid").GetString() == jwt.Kid);
        Assert.Equal("kim@example.com", jwt.Claims.Single(c => c.Type == "email").Value);
        Assert.Equal(["admin", "user"], jwt.Claims.Where(c => c.Type == "role").Select(c => c.Value).Order());
        Assert.Contains("api", jwt.Claims.Single(c => c.Type == "scope").Value.Split(' '));
        Assert.Equal([IdentityScopes.ApiAudience], jwt.Audiences);
        Assert.Equal(IdentityTestServer.ClientId, jwt.Claims.Single(c => c.Type == "client_id").Value);
        Assert.True(Guid.TryParse(jwt.Subject, out _));
        Assert.InRange(jwt.ValidTo - jwt.IssuedAt, TimeSpan.FromMinutes(14), TimeSpan.FromMinutes(15));
    }

    [Fact]
    public async Task A_token_without_the_api_scope_is_refused_by_the_api()
    {
        var (vigil, browser) = await SignedInAsync("leo@example.com");
        await using var _ = vigil;
        using var __ = browser;
        var pkce = Pkce.Create();
        var code = await browser.AuthorizeAsync(pkce, Ct, scope: "openid email");
        var (_, tokens) = await browser.Client.RedeemCodeAsync(code, pkce.Verifier, Ct);

        using var response = await browser.Client.GetMeAsync(tokens.AccessToken, Ct);

        Assert.NotNull(tokens.AccessToken);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Tampered_and_expired_access_tokens_are_refused()
    {
        await using var vigil = await IdentityTestServer.StartAsync(cancellationToken: Ct);
        using var user = await vigil.SignUpAndGetTokensAsync("mia@example.com", Ct);
        using var other = await vigil.SignUpAndGetTokensAsync("nina@example.com", Ct);
        var token = user.Tokens.AccessToken!;
        var parts = token.Split('.');

        // Someone else's subject in the payload, the original signature kept.
        var payload = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(Base64UrlEncoder.Decode(parts[1]))!;
        payload["sub"] = JsonSerializer.SerializeToElement(new JsonWebToken(other.Tokens.AccessToken).Subject);
        var tampered = $"{parts[0]}.{Base64UrlEncoder.Encode(JsonSerializer.Serialize(payload))}.{parts[2]}";
        // The same claims re-signed by a key that is not Vigil's.
        var forged = Resign(token, RSA.Create(2048), kid: new JsonWebToken(token).Kid, shiftSeconds: 0);
        // Signed with Vigil's own key, but an hour past its expiry; and the same with valid times (control).
        using var realKey = RSA.Create();
        realKey.ImportFromPem(await File.ReadAllTextAsync(Path.Combine(vigil.DataPath, "keys", IdentityKeyMaterial.SigningKeyFile), Ct));
        var kid = new JsonWebToken(token).Kid;
        var expired = Resign(token, realKey, kid, shiftSeconds: -2 * 3600);
        var control = Resign(token, realKey, kid, shiftSeconds: 0);

        Assert.Equal(HttpStatusCode.OK, (await user.Browser.Client.GetMeAsync(control, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await user.Browser.Client.GetMeAsync(tampered, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await user.Browser.Client.GetMeAsync(forged, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await user.Browser.Client.GetMeAsync(expired, Ct)).StatusCode);
    }

    /// <summary>The token's header and claims, times moved by <paramref name="shiftSeconds"/>, signed RS256 with <paramref name="key"/>.</summary>
    internal static string Resign(string token, RSA key, string kid, long shiftSeconds)
    {
        var parts = token.Split('.');
        var header = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(Base64UrlEncoder.Decode(parts[0]))!;
        header["kid"] = JsonSerializer.SerializeToElement(kid);
        var payload = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(Base64UrlEncoder.Decode(parts[1]))!;
        foreach (var claim in new[] { "iat", "nbf", "exp" })
        {
            if (payload.TryGetValue(claim, out var value))
            {
                payload[claim] = JsonSerializer.SerializeToElement(value.GetInt64() + shiftSeconds);
            }
        }

        var unsigned = $"{Base64UrlEncoder.Encode(JsonSerializer.Serialize(header))}.{Base64UrlEncoder.Encode(JsonSerializer.Serialize(payload))}";
        var signature = key.SignData(Encoding.ASCII.GetBytes(unsigned), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return $"{unsigned}.{Base64UrlEncoder.Encode(signature)}";
    }

    [Theory]
    [MemberData(nameof(StorageProviders.All), MemberType = typeof(StorageProviders))]
    public async Task A_refresh_token_rotates_and_reusing_a_rotated_one_is_refused_and_ends_the_grant(string provider)
    {
        await using var vigil = await IdentityTestServer.StartAsync(provider, cancellationToken: Ct);
        using var user = await vigil.SignUpAndGetTokensAsync("olga@example.com", Ct);
        var first = user.Tokens.RefreshToken!;

        var (rotatedStatus, rotated) = await user.Browser.Client.RefreshAsync(first, Ct);
        var (reuseStatus, reuse) = await user.Browser.Client.RefreshAsync(first, Ct);
        var (afterStatus, after) = await user.Browser.Client.RefreshAsync(rotated.RefreshToken!, Ct);

        Assert.Equal(HttpStatusCode.OK, rotatedStatus);
        Assert.NotEqual(first, rotated.RefreshToken);
        Assert.Equal(HttpStatusCode.OK, (await user.Browser.Client.GetMeAsync(rotated.AccessToken, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, reuseStatus);
        Assert.Equal("invalid_grant", reuse.Error);
        Assert.Equal(HttpStatusCode.BadRequest, afterStatus);
        Assert.Equal("invalid_grant", after.Error);
    }

    [Fact]
    public async Task Userinfo_answers_per_scope_and_end_session_returns_to_the_registered_uri_signed_out()
    {
        await using var vigil = await IdentityTestServer.StartAsync(cancellationToken: Ct);
        using var user = await vigil.SignUpAndGetTokensAsync("pat@example.com", Ct);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/connect/userinfo");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", user.Tokens.AccessToken);

        using var userinfo = await user.Browser.Client.SendAsync(request, Ct);
        var claims = await userinfo.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var endSession = await user.Browser.GetAsync($"/connect/endsession?post_logout_redirect_uri={Uri.EscapeDataString(IdentityTestServer.PostLogoutRedirectUri)}&id_token_hint={user.Tokens.IdToken}", Ct);
        var afterwards = await user.Browser.GetAsync("/account", Ct);

        Assert.Equal(HttpStatusCode.OK, userinfo.StatusCode);
        Assert.Equal("pat@example.com", claims.GetProperty("email").GetString());
        Assert.Equal(["user"], claims.GetProperty("role").EnumerateArray().Select(r => r.GetString()));
        Assert.False(claims.TryGetProperty("preferred_username", out _));
        Assert.Equal(new Uri(IdentityTestServer.PostLogoutRedirectUri), endSession.LeftTo);
        Assert.Equal("/account/signin", afterwards.Url.AbsolutePath);
    }

    [Fact]
    public async Task End_session_without_the_users_id_token_asks_first_so_another_site_cannot_sign_anyone_out()
    {
        await using var vigil = await IdentityTestServer.StartAsync(cancellationToken: Ct);
        using var user = await vigil.SignUpAndGetTokensAsync("quinn@example.com", Ct);
        using var other = await vigil.SignUpAndGetTokensAsync("rae@example.com", Ct);
        var logout = $"/connect/endsession?post_logout_redirect_uri={Uri.EscapeDataString(IdentityTestServer.PostLogoutRedirectUri)}&state=s1";

        // A link, another user's ID token, and a cross-site form post (no anti-forgery token): each gets the confirmation page.
        var link = await user.Browser.GetAsync(logout, Ct);
        var otherHint = await user.Browser.GetAsync(logout + "&id_token_hint=" + other.Tokens.IdToken, Ct);
        var forged = await user.Browser.PostAsync("/connect/endsession", null, new Dictionary<string, string> { ["post_logout_redirect_uri"] = IdentityTestServer.PostLogoutRedirectUri }, Ct);

        foreach (var page in new[] { link, otherHint, forged })
        {
            Assert.Equal(("/account/endsession", HttpStatusCode.OK, (Uri?)null), (page.Url.AbsolutePath, page.Status, page.LeftTo));
        }

        Assert.Equal("/account", (await user.Browser.GetAsync("/account", Ct)).Url.AbsolutePath); // still signed in

        // Confirmed on Vigil's own page: signed out, back at the client with its state.
        var confirmed = await user.Browser.PostAsync(
            "/connect/endsession",
            link.AntiforgeryToken(),
            new Dictionary<string, string> { ["post_logout_redirect_uri"] = IdentityTestServer.PostLogoutRedirectUri, ["state"] = "s1" },
            Ct);
        Assert.Equal(IdentityTestServer.PostLogoutRedirectUri + "?state=s1", confirmed.LeftTo?.ToString());
        Assert.Equal("/account/signin", (await user.Browser.GetAsync("/account", Ct)).Url.AbsolutePath);
    }
}
