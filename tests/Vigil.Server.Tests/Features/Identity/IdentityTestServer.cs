using System.Net;
using System.Net.Http.Json;
using Vigil.Server.Features.Identity;
using Vigil.TestSupport;

namespace Vigil.Server.Tests.Features.Identity;

/// <summary>
/// The real server with an OpenID Connect client registered the way an operator registers one,
/// plus the steps every identity test needs: create an account, sign in through the hosted
/// pages, run the authorization code + PKCE flow, call the API.
/// </summary>
internal static class IdentityTestServer
{
    public const string ClientId = "vigil-web";

    /// <summary>Loopback, as RFC 8252 allows; nothing listens there: tests read the redirect instead of following it.</summary>
    public const string RedirectUri = "http://127.0.0.1:9/callback";

    public const string PostLogoutRedirectUri = "http://127.0.0.1:9/signed-out";

    public const string NewPassword = "correct horse battery staple";

    public static Task<RunningVigil> StartAsync(string provider = "Sqlite", IDictionary<string, string?>? settings = null, CancellationToken cancellationToken = default) =>
        StartAsync(provider, settings, null, cancellationToken);

    /// <summary>As above, with <paramref name="services"/> changing the server's services (a clock, say) after Vigil's own.</summary>
    public static Task<RunningVigil> StartAsync(string provider, IDictionary<string, string?>? settings, Action<IServiceCollection>? services, CancellationToken cancellationToken) =>
        StartAsync(provider, settings, services, null, cancellationToken);

    /// <summary>As above, with <paramref name="endpoints"/> mapping extra routes after Vigil's own.</summary>
    public static Task<RunningVigil> StartAsync(string provider, IDictionary<string, string?>? settings, Action<IServiceCollection>? services, Action<Microsoft.AspNetCore.Builder.WebApplication>? endpoints, CancellationToken cancellationToken)
    {
        var all = new Dictionary<string, string?>
        {
            ["Identity:Clients:0:ClientId"] = ClientId,
            ["Identity:Clients:0:RedirectUris:0"] = RedirectUri,
            ["Identity:Clients:0:PostLogoutRedirectUris:0"] = PostLogoutRedirectUri,
            // The tests sign in many times from 127.0.0.1; the throttle has its own test.
            ["Identity:SignInAttemptsPerMinute"] = "10000",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        return RunningVigil.StartAsync(provider, all, services, cancellationToken: cancellationToken, endpoints: endpoints);
    }

    public static async Task<string> AddUserAsync(this RunningVigil vigil, string email, bool admin = false, string? temporaryPassword = null)
    {
        await using var scope = vigil.App.Services.CreateAsyncScope();
        var (_, password) = await scope.ServiceProvider.GetRequiredService<UserAccounts>()
            .CreateWithTemporaryPasswordAsync(email, admin, temporaryPassword, CancellationToken.None);
        return password;
    }

    public static async Task<T> InScopeAsync<T>(this RunningVigil vigil, Func<IServiceProvider, Task<T>> action)
    {
        await using var scope = vigil.App.Services.CreateAsyncScope();
        return await action(scope.ServiceProvider);
    }

    /// <summary>
    /// First sign-in through the pages: temporary password, forced change, TOTP enrolment (the
    /// secret read from the page, the code from oathtool). Returns the secret, the recovery codes
    /// and the page the browser continues to.
    /// </summary>
    public static async Task<Enrolment> FirstSignInAsync(this AccountBrowser browser, string email, string temporaryPassword, CancellationToken cancellationToken, string returnUrl = "/account")
    {
        var afterPassword = await browser.SubmitAsync($"/account/signin?returnUrl={Uri.EscapeDataString(returnUrl)}", new Dictionary<string, string> { ["Email"] = email, ["Password"] = temporaryPassword }, cancellationToken);
        Assert.Equal("/account/password", afterPassword.Url.AbsolutePath);
        var afterChange = await browser.PostAsync("/account/password", afterPassword.AntiforgeryToken(), new Dictionary<string, string> { ["NewPassword"] = NewPassword, ["ConfirmPassword"] = NewPassword }, cancellationToken);
        Assert.True(afterChange.Url.AbsolutePath == "/account/mfa/setup", $"expected the MFA set-up page, got {afterChange.Url}:\n{afterChange.Html}");
        var secret = afterChange.TextOf("mfa-secret") ?? throw new InvalidOperationException("no secret on the set-up page:\n" + afterChange.Html);
        var code = await Oathtool.TotpAsync(secret, cancellationToken: cancellationToken);
        var enrolled = await browser.PostAsync("/account/mfa/setup", afterChange.AntiforgeryToken(), new Dictionary<string, string> { ["Code"] = code }, cancellationToken);
        var codes = enrolled.RecoveryCodes();
        Assert.True(codes.Count == 10, "expected ten recovery codes:\n" + enrolled.Html);
        return new Enrolment(secret.Replace(" ", "", StringComparison.Ordinal), codes, enrolled.HrefOf("continue") ?? "/account");
    }

    /// <summary>A later sign-in: password, then the authenticator code for the next time step (the enrolment used the current one).</summary>
    public static async Task<BrowserPage> SignInWithTotpAsync(this AccountBrowser browser, string email, string secret, CancellationToken cancellationToken, string returnUrl = "/account")
    {
        var challenge = await browser.SubmitAsync($"/account/signin?returnUrl={Uri.EscapeDataString(returnUrl)}", new Dictionary<string, string> { ["Email"] = email, ["Password"] = NewPassword }, cancellationToken);
        Assert.True(challenge.Url.AbsolutePath == "/account/mfa", $"expected the MFA challenge, got {challenge.Url}:\n{challenge.Html}");
        var code = await Oathtool.TotpAsync(secret, TimeProvider.System.GetUtcNow().AddSeconds(30), cancellationToken);
        return await browser.PostAsync("/account/mfa", challenge.AntiforgeryToken(), new Dictionary<string, string> { ["Code"] = code }, cancellationToken);
    }

    public static string AuthorizeUrl(Pkce? pkce, string scope = "openid email roles offline_access api", string redirectUri = RedirectUri, string method = "S256", string? state = "xyz")
    {
        var query = new Dictionary<string, string?>
        {
            ["client_id"] = ClientId,
            ["redirect_uri"] = redirectUri,
            ["response_type"] = "code",
            ["scope"] = scope,
            ["state"] = state,
            ["nonce"] = "n-0S6_WzA2Mj",
        };
        if (pkce is not null)
        {
            query["code_challenge"] = method == "plain" ? pkce.Verifier : pkce.Challenge;
            query["code_challenge_method"] = method;
        }

        return "/connect/authorize" + Microsoft.AspNetCore.Http.QueryString.Create(query.Where(p => p.Value is not null)).ToUriComponent();
    }

    /// <summary>Runs the authorization request in a signed-in browser; returns the code sent to the redirect URI.</summary>
    public static async Task<string> AuthorizeAsync(this AccountBrowser browser, Pkce pkce, CancellationToken cancellationToken, string scope = "openid email roles offline_access api")
    {
        var page = await browser.GetAsync(AuthorizeUrl(pkce, scope), cancellationToken);
        Assert.True(page.LeftTo is not null, $"the authorization request did not redirect to the client, it ended at {page.Url} ({(int)page.Status}):\n{page.Html}");
        Assert.StartsWith(RedirectUri + "?", page.LeftTo!.ToString(), StringComparison.Ordinal);
        var parameters = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(page.LeftTo.Query);
        Assert.Equal("xyz", parameters["state"].ToString());
        return parameters.TryGetValue("code", out var code) ? code.ToString() : throw new InvalidOperationException($"no code: {page.LeftTo}");
    }

    public static async Task<(HttpStatusCode Status, TokenResponse Body)> RedeemCodeAsync(this HttpClient client, string code, string verifier, CancellationToken cancellationToken, string redirectUri = RedirectUri)
    {
        using var response = await client.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["client_id"] = ClientId,
            ["code"] = code,
            ["code_verifier"] = verifier,
            ["redirect_uri"] = redirectUri,
        }), cancellationToken);
        return (response.StatusCode, (await response.Content.ReadFromJsonAsync<TokenResponse>(cancellationToken))!);
    }

    public static async Task<(HttpStatusCode Status, TokenResponse Body)> RefreshAsync(this HttpClient client, string refreshToken, CancellationToken cancellationToken)
    {
        using var response = await client.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["client_id"] = ClientId,
            ["refresh_token"] = refreshToken,
        }), cancellationToken);
        return (response.StatusCode, (await response.Content.ReadFromJsonAsync<TokenResponse>(cancellationToken))!);
    }

    public static async Task<HttpResponseMessage> GetMeAsync(this HttpClient client, string? accessToken, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/me");
        if (accessToken is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", accessToken);
        }

        return await client.SendAsync(request, cancellationToken);
    }

    /// <summary>Everything up to tokens: account, first sign-in with enrolment, code + PKCE, token exchange.</summary>
    public static async Task<SignedInUser> SignUpAndGetTokensAsync(this RunningVigil vigil, string email, CancellationToken cancellationToken, bool admin = false)
    {
        var temporary = await vigil.AddUserAsync(email, admin);
        var browser = new AccountBrowser(vigil);
        var enrolment = await browser.FirstSignInAsync(email, temporary, cancellationToken);
        var pkce = Pkce.Create();
        var code = await browser.AuthorizeAsync(pkce, cancellationToken);
        var (status, tokens) = await browser.Client.RedeemCodeAsync(code, pkce.Verifier, cancellationToken);
        Assert.True(status == HttpStatusCode.OK, $"token request failed: {tokens.Error} {tokens.ErrorDescription}");
        return new SignedInUser(email, browser, enrolment, tokens);
    }
}

internal sealed record Enrolment(string Secret, IReadOnlyList<string> RecoveryCodes, string ContinueUrl);

internal sealed record SignedInUser(string Email, AccountBrowser Browser, Enrolment Enrolment, TokenResponse Tokens) : IDisposable
{
    public void Dispose() => Browser.Dispose();
}
