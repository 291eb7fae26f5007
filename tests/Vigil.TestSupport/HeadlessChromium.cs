using Microsoft.Playwright;

namespace Vigil.TestSupport;

/// <summary>
/// Debian's headless Chromium driven by Microsoft.Playwright, optionally inside a <see cref="NetworkNamespace"/>
/// (Playwright talks to it over a pipe, which crosses namespaces). Playwright's own browser download is never used.
/// </summary>
public sealed class HeadlessChromium : IAsyncDisposable
{
    private readonly IPlaywright _playwright;
    private readonly string _directory;

    private HeadlessChromium(IPlaywright playwright, IBrowser browser, string directory)
    {
        _playwright = playwright;
        Browser = browser;
        _directory = directory;
    }

    /// <summary>The browser.</summary>
    public IBrowser Browser { get; }

    /// <summary>Starts the browser.</summary>
    /// <exception cref="InvalidOperationException">Chromium is not installed (Debian package <c>chromium</c>).</exception>
    public static async Task<HeadlessChromium> LaunchAsync(ChromiumOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var executable = RequiredTool.Find(
            options.ExecutablePath ?? Environment.GetEnvironmentVariable("VIGIL_CHROMIUM") ?? "/usr/bin/chromium", "chromium");
        var directory = Directory.CreateTempSubdirectory("vigil-chromium-").FullName;
        if (options.Namespace is { } ns)
        {
            executable = ns.WriteWrapperScript(executable, directory);
        }

        List<string> arguments =
        [
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic", "--no-first-run",
            "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--mute-audio",
            "--autoplay-policy=no-user-gesture-required",
        ];
        if (!options.HideLocalIpsWithMdns)
        {
            arguments.Add("--disable-features=WebRtcHideLocalIpsWithMdns");
        }

        arguments.AddRange(options.ExtraArguments ?? []);
        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = executable,
                Headless = true,
                Args = arguments,
                Timeout = 60_000,
            });
            return new HeadlessChromium(playwright, browser, directory);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>Closes the browser and Playwright.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await Browser.CloseAsync();
        }
        catch (PlaywrightException)
        {
            // Already gone.
        }

        _playwright.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}
