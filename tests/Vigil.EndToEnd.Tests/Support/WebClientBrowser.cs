using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Vigil.TestSupport;

namespace Vigil.EndToEnd.Tests.Support;

/// <summary>
/// Debian's headless Chromium with one page on a <see cref="VigilSite"/>, as a person uses the web
/// client: it types into the hosted sign-in pages (the TOTP code from oathtool), clicks through the
/// client, and records every console error, uncaught exception and unhandled promise rejection so
/// a test can require that normal use produces none. Screenshots go to the test artifacts.
/// </summary>
internal sealed class WebClientBrowser : IAsyncDisposable
{
    private readonly HeadlessChromium _chromium;
    private readonly ConcurrentQueue<string> _problems = new();
    private readonly ConcurrentQueue<(string Path, int Status)> _expectedRefusals = new();

    private WebClientBrowser(HeadlessChromium chromium, IBrowserContext context, IPage page, VigilSite site)
    {
        _chromium = chromium;
        Context = context;
        Page = page;
        Site = site;
        page.Console += (_, message) =>
        {
            if (message.Type == "error" && !Expected(message.Text, message.Location))
            {
                _problems.Enqueue($"console error: {message.Text} ({message.Location})");
            }
        };
        page.PageError += (_, error) => _problems.Enqueue($"uncaught: {error}");
    }

    public IBrowserContext Context { get; }

    public IPage Page { get; }

    public VigilSite Site { get; }

    /// <summary>Console errors, uncaught exceptions and unhandled rejections seen so far.</summary>
    public IReadOnlyList<string> Problems => [.. _problems];

    /// <summary>
    /// Chromium logs every answer of 400 and above as a console error ("Failed to load resource"),
    /// also one the client expects and shows (a refused form). A step that causes one declares it
    /// here; any other stays a problem.
    /// </summary>
    public void ExpectRefusal(string path, int status) => _expectedRefusals.Enqueue((path, status));

    private bool Expected(string text, string location) =>
        // Other tests on this machine create network namespaces and veth pairs; Chromium then drops
        // requests in flight with ERR_NETWORK_CHANGED. The client tries reads again (checked by the
        // pages' assertions that follow); the browser's log line about the dropped one is not the
        // client's error.
        text.Contains("net::ERR_NETWORK_CHANGED", StringComparison.Ordinal)
        || text.StartsWith("Failed to load resource", StringComparison.Ordinal)
        && _expectedRefusals.Any(r => text.Contains($"status of {r.Status} ", StringComparison.Ordinal)
            && Uri.TryCreate(Regex.Replace(location, @":\d+:\d+$", ""), UriKind.Absolute, out var uri)
            && uri.AbsolutePath == r.Path);

    public static async Task<WebClientBrowser> OpenAsync(VigilSite site, ViewportSize? viewport = null, ChromiumOptions? chromium = null)
    {
        var browser = await HeadlessChromium.LaunchAsync(chromium ?? new ChromiumOptions());
        try
        {
            // Vigil's certificate comes from its own CA, which this throw-away profile does not
            // trust (other tests check the chain); cookies still get the Secure treatment.
            var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions
            {
                IgnoreHTTPSErrors = true,
                ViewportSize = viewport ?? new ViewportSize { Width = 1280, Height = 860 },
                Locale = "en-GB",
                TimezoneId = "UTC",
            });
            var page = await context.NewPageAsync();
            page.SetDefaultTimeout(60_000);
            // A loaded 2-core machine: web-first assertions wait longer than Playwright's 5 s.
            Assertions.SetDefaultExpectTimeout(30_000);
            return new WebClientBrowser(browser, context, page, site);
        }
        catch
        {
            await browser.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Runs a test's steps; when one fails, the page is saved as <c>failed-NAME.png</c> and the
    /// failure names the page's address, the console problems and the end of the server's log.
    /// </summary>
    public async Task RunAsync(string name, Func<Task> steps)
    {
        try
        {
            await steps();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            try
            {
                await ScreenshotAsync("failed-" + name);
            }
            catch (PlaywrightException)
            {
                // The page is gone; the message below still says what happened.
            }

            throw new InvalidOperationException(
                $"{e.Message}\nat {Page.Url}\nconsole:\n{string.Join('\n', Problems)}\nserver log (end):\n{Site.Log}", e);
        }
    }

    /// <summary>Opens a path of the site (default: its root, as a person typing the address).</summary>
    public Task GotoAsync(string path = "/") =>
        // Another test may change the host's interfaces under the navigation (see Expected).
        Page.NavigateAsync(new Uri(Site.Https, path).ToString());

    /// <summary>Waits until the address bar shows <paramref name="path"/> (a prefix of path and query).</summary>
    public Task ArrivedAsync(string path, int timeoutMs = 60_000) => FirstSignIn.ArrivedAsync(Page, Site.Https, path, timeoutMs);

    /// <summary>
    /// The first sign-in of an account made with <c>vigil user add</c>, from wherever the browser was sent to the
    /// sign-in page (<see cref="FirstSignIn"/>). Returns the authenticator's secret.
    /// </summary>
    public Task<string> FirstSignInAsync(string email, string temporaryPassword, CancellationToken cancellationToken, Func<string, Task>? screenshot = null) =>
        FirstSignIn.RunAsync(Page, Site.Https, email, temporaryPassword, NewPassword, cancellationToken, screenshot);

    /// <summary>A later sign-in: password, then the code of the next time step (the last one used was the current step).</summary>
    public async Task SignInAsync(string email, string secret, CancellationToken cancellationToken)
    {
        await ArrivedAsync("/account/signin");
        await Page.FillAsync("#email", email);
        await Page.FillAsync("#password", NewPassword);
        await Page.ClickAsync("button[type=submit]");
        await ArrivedAsync("/account/mfa");
        await Page.FillAsync("#code", await Oathtool.TotpAsync(secret, TimeProvider.System.GetUtcNow().AddSeconds(30), cancellationToken));
        await Page.ClickAsync("button[type=submit]");
    }

    public const string NewPassword = "correct horse battery staple";

    /// <summary>A full-page screenshot, saved as a test artifact (and attached to the test result).</summary>
    public async Task ScreenshotAsync(string name)
    {
        var bytes = await Page.ScreenshotAsync(new PageScreenshotOptions { FullPage = true, Animations = ScreenshotAnimations.Disabled });
        Directory.CreateDirectory(Artifacts.Directory);
        await File.WriteAllBytesAsync(Path.Combine(Artifacts.Directory, name + ".png"), bytes);
        TestContext.Current.AddAttachment(name + ".png", bytes, "image/png");
    }

    public async ValueTask DisposeAsync()
    {
        await Context.CloseAsync();
        await _chromium.DisposeAsync();
    }
}

/// <summary>Where end-to-end tests leave screenshots: <c>$VIGIL_TEST_ARTIFACTS</c>, else <c>.test-results/e2e</c> in the repository.</summary>
internal static class Artifacts
{
    public static string Directory { get; } = Environment.GetEnvironmentVariable("VIGIL_TEST_ARTIFACTS") is { Length: > 0 } configured
        ? configured
        : Path.Combine(VigilBinaries.RepositoryRoot(), ".test-results", "e2e");
}
