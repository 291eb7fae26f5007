using Vigil.EndToEnd.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Vigil.EndToEnd.Tests;

/// <summary>
/// The Cameras and Add camera pages with what the server offers today: snapshot cameras (made by
/// <c>vigil cameras add-snapshot</c>) and the address printed on a camera's label. Binding, the
/// live status and the live view need the camera API of the camera-binding work; their browser
/// tests come with it.
/// </summary>
public sealed class WebClientCameraTests
{
    private const string Alice = "alice@example.com";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_labels_qr_address_fills_the_form_without_leaving_the_secret_in_the_address_bar_and_a_camera_is_removed()
    {
        await using var site = VigilSite.Create();
        var temporary = await site.AddUserAsync(Alice, Ct);
        await site.AddSnapshotCameraAsync(Alice, "Front door", Ct);
        await site.AddSnapshotCameraAsync(Alice, "Garden", Ct);
        await site.StartAsync(Ct);
        await using var browser = await WebClientBrowser.OpenAsync(site);
        var page = browser.Page;

        await browser.RunAsync("cameras", async () =>
        {
            // Scanned from the label before signing in: the sign-in comes back to the same address.
            await browser.GotoAsync("/cameras/add?serial=DEMO-CAM-0001&secret=s3cr3t-Lab3l");
            await browser.FirstSignInAsync(Alice, temporary, Ct);
            await Expect(page.Locator("h1")).ToHaveTextAsync("Add camera");
            await Expect(page.Locator("#serial")).ToHaveValueAsync("DEMO-CAM-0001");
            await Expect(page.Locator("#secret")).ToHaveValueAsync("s3cr3t-Lab3l");
            await browser.ArrivedAsync("/cameras/add");
            Assert.DoesNotContain("secret", page.Url, StringComparison.Ordinal);
            Assert.DoesNotContain("s3cr3t", await page.EvaluateAsync<string>("() => JSON.stringify(history.state) + location.href"), StringComparison.Ordinal);
            await browser.ScreenshotAsync("08-add-camera");

            await browser.GotoAsync("/cameras");
            var tiles = page.Locator("#cameras .camera-tile");
            await Expect(tiles).ToHaveCountAsync(2);
            var garden = tiles.Filter(new() { HasText = "Garden" });
            await garden.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Remove" }).ClickAsync();
            // Asked first; Cancel keeps it.
            await garden.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
            await Expect(tiles).ToHaveCountAsync(2);
            await garden.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Remove" }).ClickAsync();
            await garden.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Remove" }).ClickAsync();
            await Expect(tiles).ToHaveCountAsync(1);
            await Expect(tiles).ToContainTextAsync("Front door");
            Assert.DoesNotContain("Garden", await site.RunAsync(["cameras", "list"], Ct), StringComparison.Ordinal);

            // The live grid says why there is nothing to watch.
            await browser.GotoAsync("/live");
            await Expect(page.GetByText("No live cameras.")).ToBeVisibleAsync();
        });
        Assert.True(browser.Problems.Count == 0, "the console showed errors:\n" + string.Join('\n', browser.Problems));
    }
}
