using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Vigil.TestSupport;

namespace Vigil.Server.Tests.Features.Identity;

/// <summary>
/// Headless Chromium through the hosted pages, as a person signs in: typing into the forms,
/// reading the authenticator secret off the page, ending at the client's redirect URI with a
/// code that the test (playing the client) redeems with its PKCE verifier for tokens the API
/// accepts. The client's callback page is the one thing served by the test (Playwright routes
/// it): the redirect to it comes from Vigil.
/// </summary>
public sealed class BrowserSignInTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task First_sign_in_changes_the_temporary_password_enrols_totp_and_ends_with_tokens_the_api_accepts()
    {
        await using var vigil = await IdentityTestServer.StartAsync(cancellationToken: Ct);
        var temporary = await vigil.AddUserAsync("quinn@example.com");
        await using var chromium = await HeadlessChromium.LaunchAsync(new ChromiumOptions());
        var (page, callback) = await OpenClientAsync(chromium);
        var pkce = Pkce.Create();

        await page.NavigateAsync(new Uri(vigil.Https, IdentityTestServer.AuthorizeUrl(pkce)).ToString());
        await ArrivedAsync(page, "/account/signin");
        await page.FillAsync("#email", "quinn@example.com");
        await page.FillAsync("#password", temporary);
        await page.ClickAsync("button[type=submit]");
        await ArrivedAsync(page, "/account/password");
        await page.FillAsync("#new", IdentityTestServer.NewPassword);
        await page.FillAsync("#confirm", IdentityTestServer.NewPassword);
        await page.ClickAsync("button[type=submit]");
        await ArrivedAsync(page, "/account/mfa/setup");
        Assert.NotNull(await page.WaitForSelectorAsync("img.qr", new() { State = WaitForSelectorState.Visible }));
        var secret = (await page.TextContentAsync("#mfa-secret"))!;
        await page.FillAsync("#code", await Oathtool.TotpAsync(secret, cancellationToken: Ct));
        await page.ClickAsync("button[type=submit]");
        Assert.Equal(10, await page.Locator("#recovery-codes li").CountAsync());
        await page.ClickAsync("#continue");

        await AssertTokensWorkAsync(vigil, await callback.Task.WaitAsync(TimeSpan.FromSeconds(120), Ct), pkce, "quinn@example.com");
    }

    [Fact]
    public async Task A_later_sign_in_asks_for_the_password_and_a_totp_code()
    {
        await using var vigil = await IdentityTestServer.StartAsync(cancellationToken: Ct);
        var temporary = await vigil.AddUserAsync("rita@example.com");
        using (var enrolling = new AccountBrowser(vigil))
        {
            var enrolment = await enrolling.FirstSignInAsync("rita@example.com", temporary, Ct);
            temporary = enrolment.Secret;
        }

        await using var chromium = await HeadlessChromium.LaunchAsync(new ChromiumOptions());
        var (page, callback) = await OpenClientAsync(chromium);
        var pkce = Pkce.Create();

        await page.NavigateAsync(new Uri(vigil.Https, IdentityTestServer.AuthorizeUrl(pkce)).ToString());
        await page.FillAsync("#email", "rita@example.com");
        await page.FillAsync("#password", IdentityTestServer.NewPassword);
        await page.ClickAsync("button[type=submit]");
        await ArrivedAsync(page, "/account/mfa");
        // The enrolment used the current time step; the next one is the first unused code.
        await page.FillAsync("#code", await Oathtool.TotpAsync(temporary, TimeProvider.System.GetUtcNow().AddSeconds(30), Ct));
        await page.ClickAsync("button[type=submit]");

        await AssertTokensWorkAsync(vigil, await callback.Task.WaitAsync(TimeSpan.FromSeconds(120), Ct), pkce, "rita@example.com");
    }

    [Fact]
    public async Task A_recovery_code_signs_in_instead_of_the_authenticator()
    {
        await using var vigil = await IdentityTestServer.StartAsync(cancellationToken: Ct);
        var temporary = await vigil.AddUserAsync("sam@example.com");
        Enrolment enrolment;
        using (var enrolling = new AccountBrowser(vigil))
        {
            enrolment = await enrolling.FirstSignInAsync("sam@example.com", temporary, Ct);
        }

        await using var chromium = await HeadlessChromium.LaunchAsync(new ChromiumOptions());
        var (page, callback) = await OpenClientAsync(chromium);
        var pkce = Pkce.Create();

        await page.NavigateAsync(new Uri(vigil.Https, IdentityTestServer.AuthorizeUrl(pkce)).ToString());
        await page.FillAsync("#email", "sam@example.com");
        await page.FillAsync("#password", IdentityTestServer.NewPassword);
        await page.ClickAsync("button[type=submit]");
        await ArrivedAsync(page, "/account/mfa");
        await page.ClickAsync("text=Use a recovery code instead");
        await ArrivedAsync(page, "/account/mfa/recovery");
        await page.FillAsync("#code", enrolment.RecoveryCodes[0]);
        await page.ClickAsync("button[type=submit]");

        await AssertTokensWorkAsync(vigil, await callback.Task.WaitAsync(TimeSpan.FromSeconds(120), Ct), pkce, "sam@example.com");
    }

    /// <summary>A page in a fresh browser context, and the URL the browser is finally sent to at the client's redirect URI.</summary>
    // The URL is what is checked, polled by Playwright's web-first assertion; the next Fill/Click
    // waits for its element by itself. WaitForURLAsync is not enough: when the navigation has
    // already happened it waits for the page's load event, which full test runs missed twice
    // (timeouts after Chromium had reported the page idle), with or without WaitUntil=Commit.
    private static Task ArrivedAsync(IPage page, string path) =>
        Assertions.Expect(page).ToHaveURLAsync(new Regex(Regex.Escape(path)), new() { Timeout = 60_000 });

    private static async Task<(IPage Page, TaskCompletionSource<Uri> Callback)> OpenClientAsync(HeadlessChromium chromium)
    {
        // Vigil's certificate comes from its own CA, which this throw-away profile does not
        // trust; other tests check the TLS chain. Cookies still get the Secure treatment.
        var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions { IgnoreHTTPSErrors = true });
        var callback = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        await context.RouteAsync(IdentityTestServer.RedirectUri + "**", async route =>
        {
            callback.TrySetResult(new Uri(route.Request.Url));
            await route.FulfillAsync(new RouteFulfillOptions { Status = 200, ContentType = "text/plain", Body = "signed in" });
        });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(120_000);
        return (page, callback);
    }

    private static async Task AssertTokensWorkAsync(RunningVigil vigil, Uri callback, Pkce pkce, string email)
    {
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(callback.Query);
        Assert.Equal("xyz", query["state"].ToString());
        using var client = vigil.CreateClient();
        var (status, tokens) = await client.RedeemCodeAsync(query["code"].ToString(), pkce.Verifier, Ct);
        Assert.True(status == HttpStatusCode.OK, $"{tokens.Error}: {tokens.ErrorDescription}");

        using var me = await client.GetMeAsync(tokens.AccessToken, Ct);

        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Equal(email, (await me.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("email").GetString());
    }
}
