using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Time.Testing;
using Vigil.Server.Features.Identity;
using Vigil.TestSupport;

namespace Vigil.Server.Tests.Features.Identity;

/// <summary>The hosted pages refuse what they must: wrong passwords, lockout, reused codes, forged forms, plain HTTP.</summary>
public sealed class SignInProtectionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Dictionary<string, string> Credentials(string email, string password) => new() { ["Email"] = email, ["Password"] = password };

    [Fact]
    public async Task A_wrong_password_and_an_unknown_email_get_the_same_answer_and_five_failures_lock_the_account()
    {
        await using var vigil = await IdentityTestServer.StartAsync(cancellationToken: Ct);
        var temporary = await vigil.AddUserAsync("bob@example.com");
        using var browser = new AccountBrowser(vigil);

        var unknown = await browser.SubmitAsync("/account/signin", Credentials("nobody@example.com", "whatever-password"), Ct);
        var failures = new List<BrowserPage>();
        for (var i = 0; i < 5; i++)
        {
            failures.Add(await browser.SubmitAsync("/account/signin", Credentials("bob@example.com", "wrong-password-" + i), Ct));
        }

        var rightButLocked = await browser.SubmitAsync("/account/signin", Credentials("bob@example.com", temporary), Ct);

        Assert.Equal(SignInModelText, unknown.TextOf("error"));
        Assert.All(failures, f => Assert.Equal((unknown.Status, SignInModelText), (f.Status, f.TextOf("error"))));
        Assert.Equal("/account/signin", rightButLocked.Url.AbsolutePath);
        Assert.Equal(SignInModelText, rightButLocked.TextOf("error"));
        var lockedUntil = await vigil.InScopeAsync(async s => (await s.GetRequiredService<UserManager<VigilUser>>().FindByEmailAsync("bob@example.com"))!.LockoutEnd);
        Assert.NotNull(lockedUntil);
        Assert.InRange(lockedUntil.Value - TimeProvider.System.GetUtcNow(), TimeSpan.FromMinutes(14), TimeSpan.FromMinutes(15));
    }

    private const string SignInModelText = "The email or password is wrong, or the account is locked after too many attempts (it unlocks after a while).";

    [Fact]
    public async Task A_totp_code_is_accepted_once_and_refused_when_replayed()
    {
        await using var vigil = await IdentityTestServer.StartAsync(cancellationToken: Ct);
        var temporary = await vigil.AddUserAsync("carol@example.com");
        using var first = new AccountBrowser(vigil);
        var enrolment = await first.FirstSignInAsync("carol@example.com", temporary, Ct);
        var code = await Oathtool.TotpAsync(enrolment.Secret, TimeProvider.System.GetUtcNow().AddSeconds(30), Ct);

        using var second = new AccountBrowser(vigil);
        var accepted = await SignInWithCodeAsync(second, code);
        using var third = new AccountBrowser(vigil);
        var replayed = await SignInWithCodeAsync(third, code);

        Assert.Equal("/account", accepted.Url.AbsolutePath);
        Assert.Equal("carol@example.com", accepted.TextOf("account-email"));
        Assert.Equal("/account/mfa", replayed.Url.AbsolutePath);
        Assert.Equal(Vigil.Server.Features.Identity.Pages.MfaChallengeModel.Wrong, replayed.TextOf("error"));
        var home = await third.GetAsync("/account", Ct);
        Assert.Equal("/account/signin", home.Url.AbsolutePath);

        async Task<BrowserPage> SignInWithCodeAsync(AccountBrowser browser, string totp)
        {
            var challenge = await browser.SubmitAsync("/account/signin", Credentials("carol@example.com", IdentityTestServer.NewPassword), Ct);
            Assert.Equal("/account/mfa", challenge.Url.AbsolutePath);
            return await browser.PostAsync("/account/mfa", challenge.AntiforgeryToken(), new Dictionary<string, string> { ["Code"] = totp }, Ct);
        }
    }

    [Fact]
    public async Task A_recovery_code_works_once()
    {
        await using var vigil = await IdentityTestServer.StartAsync(cancellationToken: Ct);
        var temporary = await vigil.AddUserAsync("dave@example.com");
        using var first = new AccountBrowser(vigil);
        var enrolment = await first.FirstSignInAsync("dave@example.com", temporary, Ct);
        var recoveryCode = enrolment.RecoveryCodes[3].ToLowerInvariant();

        using var second = new AccountBrowser(vigil);
        var accepted = await UseRecoveryCodeAsync(second, recoveryCode);
        using var third = new AccountBrowser(vigil);
        var reused = await UseRecoveryCodeAsync(third, recoveryCode);

        Assert.Equal("/account", accepted.Url.AbsolutePath);
        Assert.Equal("/account/mfa/recovery", reused.Url.AbsolutePath);
        Assert.Equal(Vigil.Server.Features.Identity.Pages.MfaRecoveryModel.Wrong, reused.TextOf("error"));
        var left = await vigil.InScopeAsync(async s =>
        {
            var users = s.GetRequiredService<UserManager<VigilUser>>();
            return await users.CountRecoveryCodesAsync((await users.FindByEmailAsync("dave@example.com"))!);
        });
        Assert.Equal(9, left);

        async Task<BrowserPage> UseRecoveryCodeAsync(AccountBrowser browser, string code)
        {
            var challenge = await browser.SubmitAsync("/account/signin", Credentials("dave@example.com", IdentityTestServer.NewPassword), Ct);
            Assert.Equal("/account/mfa", challenge.Url.AbsolutePath);
            return await browser.SubmitAsync("/account/mfa/recovery", new Dictionary<string, string> { ["Code"] = code }, Ct);
        }
    }

    [Fact]
    public async Task Mfa_secrets_and_recovery_codes_are_not_stored_in_plain_text()
    {
        await using var vigil = await IdentityTestServer.StartAsync(cancellationToken: Ct);
        var temporary = await vigil.AddUserAsync("erin@example.com");
        using var browser = new AccountBrowser(vigil);
        var enrolment = await browser.FirstSignInAsync("erin@example.com", temporary, Ct);

        var stored = await vigil.InScopeAsync(async s =>
        {
            var db = s.GetRequiredService<Vigil.Server.Storage.VigilDbContext>();
            return string.Join("\n", await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(db.Set<IdentityUserToken<Guid>>().Select(t => t.Value), Ct));
        });

        Assert.NotEmpty(stored);
        Assert.DoesNotContain(enrolment.Secret, stored, StringComparison.OrdinalIgnoreCase);
        Assert.All(enrolment.RecoveryCodes, code => Assert.DoesNotContain(code, stored, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task A_form_post_without_the_antiforgery_token_is_refused()
    {
        await using var vigil = await IdentityTestServer.StartAsync(cancellationToken: Ct);
        var temporary = await vigil.AddUserAsync("frank@example.com");
        using var browser = new AccountBrowser(vigil);
        await browser.GetAsync("/account/signin", Ct);

        var forged = await browser.PostAsync("/account/signin", antiforgeryToken: null, Credentials("frank@example.com", temporary), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, forged.Status);
        Assert.DoesNotContain(browser.Cookies.GetAllCookies(), c => c.Name.StartsWith("__Host-vigil-pending", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sign_in_attempts_are_rate_limited_per_address()
    {
        await using var vigil = await IdentityTestServer.StartAsync(settings: new Dictionary<string, string?> { ["Identity:SignInAttemptsPerMinute"] = "3" }, cancellationToken: Ct);
        using var browser = new AccountBrowser(vigil);

        var answers = new List<BrowserPage>();
        for (var i = 0; i < 4; i++)
        {
            answers.Add(await browser.SubmitAsync("/account/signin", Credentials("nobody@example.com", "not-the-password"), Ct));
        }

        Assert.All(answers.Take(3), a => Assert.Equal(HttpStatusCode.OK, a.Status));
        Assert.Equal(HttpStatusCode.TooManyRequests, answers[3].Status);
        Assert.Equal("60", answers[3].Response.Headers.RetryAfter?.ToString());
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/account/signin", Ct)).Status);
    }

    [Fact]
    public async Task The_sign_in_limit_slides_so_a_minute_boundary_does_not_double_it()
    {
        // Three attempts in the last second of a minute, then one just after it: a fixed window would start over at
        // zero and let another three through; the sliding minute still holds the three.
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 7, 5, 0, 59, TimeSpan.Zero));
        await using var vigil = await IdentityTestServer.StartAsync("Sqlite", new Dictionary<string, string?> { ["Identity:SignInAttemptsPerMinute"] = "3" }, s => s.AddSingleton<TimeProvider>(clock), Ct);
        using var browser = new AccountBrowser(vigil);

        var before = new List<BrowserPage>();
        for (var i = 0; i < 3; i++)
        {
            before.Add(await browser.SubmitAsync("/account/signin", Credentials("nobody@example.com", "not-the-password"), Ct));
        }

        clock.Advance(TimeSpan.FromSeconds(2));
        var afterTheBoundary = await browser.SubmitAsync("/account/signin", Credentials("nobody@example.com", "not-the-password"), Ct);
        clock.Advance(TimeSpan.FromMinutes(2));
        var twoMinutesLater = await browser.SubmitAsync("/account/signin", Credentials("nobody@example.com", "not-the-password"), Ct);

        Assert.All(before, a => Assert.Equal(HttpStatusCode.OK, a.Status));
        Assert.Equal(HttpStatusCode.TooManyRequests, afterTheBoundary.Status);
        Assert.Equal(HttpStatusCode.OK, twoMinutesLater.Status);
    }

    [Fact]
    public async Task Cookies_are_secure_httponly_samesite_and_pages_carry_a_strict_csp()
    {
        await using var vigil = await IdentityTestServer.StartAsync(cancellationToken: Ct);
        var temporary = await vigil.AddUserAsync("grace@example.com");
        using var browser = new AccountBrowser(vigil);

        var form = await browser.GetAsync("/account/signin", Ct);
        var response = await browser.Client.PostAsync("/account/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Email"] = "grace@example.com",
            ["Password"] = temporary,
            ["__RequestVerificationToken"] = form.AntiforgeryToken()!,
        }), Ct);

        var setCookies = form.Response.Headers.GetValues("Set-Cookie").Concat(response.Headers.GetValues("Set-Cookie")).ToList();
        Assert.Contains(setCookies, c => c.StartsWith("__Host-vigil-antiforgery=", StringComparison.Ordinal));
        Assert.Contains(setCookies, c => c.StartsWith("__Host-vigil-pending=", StringComparison.Ordinal));
        Assert.All(setCookies, c =>
        {
            Assert.Contains("; secure", c, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("; httponly", c, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("; samesite=", c, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("; path=/", c, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("domain=", c, StringComparison.OrdinalIgnoreCase);
        });
        Assert.Equal(AccountPageHeaders.ContentSecurityPolicy, form.Response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.True(form.Response.Headers.CacheControl?.NoStore);
        Assert.Equal("DENY", form.Response.Headers.GetValues("X-Frame-Options").Single());
        Assert.DoesNotContain("<script", form.Html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Plain_http_redirects_page_loads_to_https_and_refuses_form_posts()
    {
        await using var vigil = await IdentityTestServer.StartAsync(cancellationToken: Ct);
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = vigil.Http };

        var page = await http.GetAsync("/account/signin?returnUrl=%2Faccount", Ct);
        var discovery = await http.GetAsync("/.well-known/openid-configuration", Ct);
        var post = await http.PostAsync("/account/signin", new FormUrlEncodedContent(Credentials("a@example.com", "password-in-clear")), Ct);
        var token = await http.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "refresh_token" }), Ct);

        Assert.Equal(HttpStatusCode.TemporaryRedirect, page.StatusCode);
        Assert.Equal(new Uri(vigil.Https, "/account/signin?returnUrl=%2Faccount"), page.Headers.Location);
        Assert.Equal(HttpStatusCode.TemporaryRedirect, discovery.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
        Assert.Equal("application/problem+json", post.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Forbidden, token.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz", Ct)).StatusCode);
    }

    [Fact]
    public async Task Without_the_web_client_the_sites_root_leads_to_the_sign_in_page_over_https()
    {
        // With the web client built, the root is the client (WebClientServingTests).
        using var noClient = new TempDirectory("no-web-client");
        await using var vigil = await IdentityTestServer.StartAsync(settings: new Dictionary<string, string?> { ["WebClient:Root"] = noClient.Path }, cancellationToken: Ct);
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = vigil.Http };
        using var https = vigil.CreateClient();

        var plain = await http.GetAsync("/", Ct);
        var followed = await https.GetAsync("/", Ct);

        Assert.Equal(HttpStatusCode.Redirect, plain.StatusCode);
        Assert.Equal("/account", plain.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.TemporaryRedirect, (await http.GetAsync("/account", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, followed.StatusCode);
        Assert.Equal("/account/signin", followed.RequestMessage?.RequestUri?.AbsolutePath);
        Assert.Contains("<title>Sign in", await followed.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_disabled_account_cannot_sign_in_refresh_or_call_the_api()
    {
        await using var vigil = await IdentityTestServer.StartAsync(cancellationToken: Ct);
        using var user = await vigil.SignUpAndGetTokensAsync("heidi@example.com", Ct);
        Assert.Equal(HttpStatusCode.OK, (await user.Browser.Client.GetMeAsync(user.Tokens.AccessToken, Ct)).StatusCode);

        await vigil.InScopeAsync(s => s.GetRequiredService<UserAccounts>().DisableAsync("heidi@example.com", Ct));

        Assert.Equal(HttpStatusCode.Forbidden, (await user.Browser.Client.GetMeAsync(user.Tokens.AccessToken, Ct)).StatusCode);
        var (status, body) = await user.Browser.Client.RefreshAsync(user.Tokens.RefreshToken!, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_grant", body.Error);
        using var browser = new AccountBrowser(vigil);
        var signIn = await browser.SubmitAsync("/account/signin", Credentials("heidi@example.com", IdentityTestServer.NewPassword), Ct);
        Assert.Equal(SignInModelText, signIn.TextOf("error"));
    }
}
