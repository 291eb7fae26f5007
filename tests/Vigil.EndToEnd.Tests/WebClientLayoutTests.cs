using Microsoft.Playwright;
using Vigil.EndToEnd.Tests.Support;
using Vigil.Server.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Vigil.EndToEnd.Tests;

/// <summary>The web client on a phone-sized screen (375 px wide) and with the keyboard alone.</summary>
public sealed class WebClientLayoutTests
{
    private const string Alice = "alice@example.com";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_page_fits_a_phone_screen_and_an_event_is_found_and_deleted_with_the_keyboard()
    {
        await using var site = VigilSite.Create();
        var temporary = await site.AddUserAsync(Alice, Ct);
        var camera = await site.AddSnapshotCameraAsync(Alice, "Front door", Ct);
        await site.RunAsync(["rules", "add", "--owner", Alice, "--name", "Visitors", "--label", "Person", "--email-owner"], Ct);
        await site.StartAsync(Ct);
        await site.UploadPictureAsync(camera, SnapshotAssets.Picture("person.jpg"), Ct);
        await site.WaitForEventsAsync(Alice, 1, Ct);
        await using var browser = await WebClientBrowser.OpenAsync(site, new ViewportSize { Width = 375, Height = 740 });
        var page = browser.Page;

        await browser.RunAsync("phone", async () =>
        {
            await browser.GotoAsync("/");
            await browser.FirstSignInAsync(Alice, temporary, Ct);
            await browser.ArrivedAsync("/cameras");
            foreach (var (path, heading) in new[]
            {
                ("/cameras", "Cameras"), ("/cameras/add", "Add camera"), ("/live", "Live"), ("/events", "Events"),
                ("/rules", "Rules"), ("/rules/new", "New rule"), ("/me", "Account"),
            })
            {
                await browser.GotoAsync(path);
                await Expect(page.Locator("h1")).ToHaveTextAsync(heading);
                await Expect(page.Locator("[role=status]:has-text('Loading')")).ToHaveCountAsync(0);
                var widths = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, window.innerWidth]");
                Assert.True(widths[0] <= widths[1], $"{path} is {widths[0]} px wide on a {widths[1]} px screen: it scrolls sideways");
                await Expect(page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "Events" })).ToBeInViewportAsync();
                if (path is "/cameras" or "/events")
                {
                    await browser.ScreenshotAsync("phone" + path.Replace('/', '-'));
                }
            }

            // Keyboard only: skip link, then the menu, then the event, then delete it.
            await browser.GotoAsync("/cameras");
            await Expect(page.Locator("h1")).ToHaveTextAsync("Cameras");
            await page.Keyboard.PressAsync("Tab");
            await Expect(page.Locator(":focus")).ToHaveTextAsync("Skip to content");
            await TabToAsync(page, "Events");
            await page.Keyboard.PressAsync("Enter");
            await browser.ArrivedAsync("/events");
            await Expect(page.Locator("#events .event-card")).ToHaveCountAsync(1);
            await TabToAsync(page, "Person", contains: true);
            await page.Keyboard.PressAsync("Enter");
            await Expect(page.Locator("h1")).ToContainTextAsync("Person");
            await TabToAsync(page, "Delete event");
            await page.Keyboard.PressAsync("Enter");
            // The question takes the focus onto its confirming button.
            await Expect(page.Locator(":focus")).ToHaveTextAsync("Delete");
            await page.Keyboard.PressAsync("Enter");
            await browser.ArrivedAsync("/events");
            await Expect(page.GetByText("No events yet.")).ToBeVisibleAsync();
        });
        Assert.True(browser.Problems.Count == 0, "the console showed errors:\n" + string.Join('\n', browser.Problems));
    }

    /// <summary>Presses Tab until the focused link or button's accessible text is (or contains) <paramref name="text"/>.</summary>
    private static async Task TabToAsync(IPage page, string text, bool contains = false)
    {
        for (var i = 0; i < 40; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            // Links and buttons only (a <select>'s text is all its options).
            var focused = await page.EvaluateAsync<string>("() => { const e = document.activeElement; return e.matches('a, button') ? (e.getAttribute('aria-label') || e.textContent || '').trim() : ''; }");
            if (contains ? focused.Contains(text, StringComparison.Ordinal) : focused == text)
            {
                return;
            }
        }

        throw new InvalidOperationException($"Tab never reached '{text}'");
    }
}
