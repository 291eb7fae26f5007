using Microsoft.Playwright;

namespace Vigil.TestSupport;

/// <summary>Navigation that survives the test machine's network changing under Chromium.</summary>
public static class PageNavigation
{
    /// <summary>
    /// <see cref="IPage.GotoAsync"/>, tried again (up to three times) when Chromium drops the
    /// navigation with <c>net::ERR_NETWORK_CHANGED</c>: tests running beside this one create and
    /// remove network namespaces and veth pairs, and Chromium cancels requests in flight when it
    /// sees the host's interfaces change. A person would press reload; any other error is the
    /// test's.
    /// </summary>
    public static async Task<IResponse?> NavigateAsync(this IPage page, string url)
    {
        ArgumentNullException.ThrowIfNull(page);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await page.GotoAsync(url);
            }
            catch (PlaywrightException e) when (attempt < 3 && e.Message.Contains("net::ERR_NETWORK_CHANGED", StringComparison.Ordinal))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(300));
            }
        }
    }
}
