using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Vigil.TestSupport;

/// <summary>
/// The first sign-in of an account made with <c>vigil user add</c>, typed into the hosted pages as a person does it:
/// the temporary password, a new password, authenticator enrolment (the secret read off the page, the code from
/// oathtool), the ten recovery codes, Continue. Shared by the web client's journeys and the first-frame benchmark;
/// <c>BrowserSignInTests</c> spells the same steps out because they are what it tests.
/// </summary>
internal static class FirstSignIn
{
    /// <summary>
    /// Runs the steps from wherever <paramref name="page"/> was sent to the sign-in page of <paramref name="site"/>; returns
    /// the authenticator's secret. <paramref name="screenshot"/>, if given, is called with "sign-in" and "authenticator"
    /// when those pages are filled in.
    /// </summary>
    public static async Task<string> RunAsync(IPage page, Uri site, string email, string temporaryPassword, string newPassword,
        CancellationToken cancellationToken, Func<string, Task>? screenshot = null)
    {
        await ArrivedAsync(page, site, "/account/signin");
        await page.FillAsync("#email", email);
        await page.FillAsync("#password", temporaryPassword);
        if (screenshot is not null)
        {
            await screenshot("sign-in");
        }

        await page.ClickAsync("button[type=submit]");
        await ArrivedAsync(page, site, "/account/password");
        await page.FillAsync("#new", newPassword);
        await page.FillAsync("#confirm", newPassword);
        await page.ClickAsync("button[type=submit]");
        await ArrivedAsync(page, site, "/account/mfa/setup");
        await page.WaitForSelectorAsync("img.qr", new() { State = WaitForSelectorState.Visible });
        if (screenshot is not null)
        {
            await screenshot("authenticator");
        }

        var secret = (await page.TextContentAsync("#mfa-secret"))!.Replace(" ", "", StringComparison.Ordinal).Trim();
        await page.FillAsync("#code", await Oathtool.TotpAsync(secret, cancellationToken: cancellationToken));
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(page.Locator("#recovery-codes li")).ToHaveCountAsync(10);
        await page.ClickAsync("#continue");
        return secret;
    }

    /// <summary>Waits (60 s) until the page's address is <paramref name="path"/> on <paramref name="site"/>.</summary>
    public static Task ArrivedAsync(IPage page, Uri site, string path, int timeoutMs = 60_000) =>
        Assertions.Expect(page).ToHaveURLAsync(new Regex("^" + Regex.Escape(new Uri(site, path).ToString())), new() { Timeout = timeoutMs });
}
