using Microsoft.Playwright;
using Vigil.EndToEnd.Tests.Support;
using Vigil.Server.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Vigil.EndToEnd.Tests;

/// <summary>
/// The web client as a new user meets it: an admin creates the account with <c>vigil user add</c>
/// (and a snapshot camera with <c>vigil cameras add-snapshot</c>), the user opens the server's
/// address, signs in for the first time (new password, authenticator), sees the camera, sees the
/// detection on a picture the camera uploaded, makes a rule (with the API's message at the field
/// first), deletes it, and signs out — with no console error on the way. Each page's screenshot is
/// a test artifact.
/// </summary>
public sealed class WebClientJourneyTests
{
    private const string Alice = "alice@example.com";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_new_user_signs_in_at_the_root_sees_a_detection_makes_and_deletes_a_rule_and_signs_out()
    {
        await using var site = VigilSite.Create();
        var temporary = await site.AddUserAsync(Alice, Ct);
        var camera = await site.AddSnapshotCameraAsync(Alice, "Front door", Ct);
        await site.StartAsync(Ct);
        await using var browser = await WebClientBrowser.OpenAsync(site);
        var page = browser.Page;
        await browser.RunAsync("journey", async () =>
        {
            // First sign-in, from the server's address: the client sends the browser to Vigil's
            // provider (authorization code + PKCE), the hosted pages do the rest, and it comes back.
            await browser.GotoAsync("/");
            await browser.FirstSignInAsync(Alice, temporary, Ct, name => browser.ScreenshotAsync("01-" + name));
            await browser.ArrivedAsync("/cameras");
            var tile = page.Locator("#cameras .camera-tile");
            await Expect(tile).ToHaveCountAsync(1);
            await Expect(tile).ToContainTextAsync("Front door");
            await Expect(tile).ToContainTextAsync("Snapshot camera");
            await Expect(tile.Locator(".latest-none")).ToBeVisibleAsync();

            // The camera uploads a picture; detection runs; the Events page shows it with its labels.
            await site.UploadPictureAsync(camera, SnapshotAssets.Picture("dog.jpg"), Ct);
            await site.WaitForEventsAsync(Alice, 1, Ct);
            await page.ReloadAsync();
            await Expect(tile.Locator(".latest")).ToContainTextAsync("Dog");
            await Expect(tile.Locator(".latest img")).ToBeVisibleAsync();
            await browser.ScreenshotAsync("02-cameras");

            await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "Events" }).ClickAsync();
            await browser.ArrivedAsync("/events");
            var card = page.Locator("#events .event-card");
            await Expect(card).ToHaveCountAsync(1);
            await Expect(card).ToContainTextAsync("Dog");
            await Expect(card).ToContainTextAsync("Front door");
            await Expect(card.Locator("img")).ToBeVisibleAsync();
            await Expect(card.Locator("svg.boxes rect").First).ToBeAttachedAsync();
            await browser.ScreenshotAsync("03-events");

            // Filters: a label that is not there, then one that is (kept in the address).
            await page.SelectOptionAsync("select[name=label]", "Cat");
            await page.ClickAsync("form.filters button[type=submit]");
            await browser.ArrivedAsync("/events?label=Cat");
            await Expect(page.GetByText("No events match these filters.")).ToBeVisibleAsync();
            await page.SelectOptionAsync("select[name=label]", "Dog");
            await page.SelectOptionAsync("select[name=camera]", new SelectOptionValue { Label = "Front door" });
            await page.ClickAsync("form.filters button[type=submit]");
            await Expect(card).ToHaveCountAsync(1);

            // The detail view: the original picture with the boxes, what was recognised.
            await card.Locator("a").ClickAsync();
            await Expect(page.Locator("h1")).ToContainTextAsync("Dog");
            await Expect(page.Locator("table.detections")).ToContainTextAsync("Dog");
            await Expect(page.Locator(".event-picture img")).ToBeVisibleAsync();
            await browser.ScreenshotAsync("04-event");

            // Rules: the API's validation message appears at the field it names, then the rule is made.
            await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "Rules" }).ClickAsync();
            await browser.ArrivedAsync("/rules");
            await Expect(page.GetByText("No rules yet.")).ToBeVisibleAsync();
            await page.GetByRole(AriaRole.Link, new() { Name = "New rule" }).ClickAsync();
            await browser.ArrivedAsync("/rules/new");
            await page.GetByLabel("Name", new() { Exact = true }).FillAsync("Someone at the door");
            await page.GetByLabel("Front door").CheckAsync();
            await page.GetByLabel("Minimum confidence").FillAsync("2");
            browser.ExpectRefusal("/api/rules", 400);
            await page.GetByRole(AriaRole.Button, new() { Name = "Create rule" }).ClickAsync();
            var fieldError = page.Locator(".field:has(input[name=minConfidence]) .field-error");
            await Expect(fieldError).ToHaveTextAsync("Must be from 0 to 1.");
            await Expect(page.GetByLabel("Minimum confidence")).ToHaveAttributeAsync("aria-invalid", "true");
            await browser.ScreenshotAsync("05-rule-error");
            await page.GetByLabel("Minimum confidence").FillAsync("0.6");
            await page.GetByRole(AriaRole.Button, new() { Name = "Create rule" }).ClickAsync();
            await browser.ArrivedAsync("/rules");
            var rule = page.Locator("#rules .rule-card");
            await Expect(rule).ToHaveCountAsync(1);
            await Expect(rule).ToContainTextAsync("Someone at the door");
            await Expect(rule).ToContainTextAsync("When Front door sees Person (at least 60% sure): e-mail to you.");
            await browser.ScreenshotAsync("06-rules");
            await rule.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
            await rule.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
            await Expect(page.GetByText("No rules yet.")).ToBeVisibleAsync();
            Assert.Contains("[]", await site.RunAsync(["rules", "list", "--json"], Ct), StringComparison.Ordinal);

            // Account: who is signed in, the hosted pages, and signing out through end-session.
            await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "Account" }).ClickAsync();
            await browser.ArrivedAsync("/me");
            await Expect(page.Locator("#account-email")).ToHaveTextAsync(Alice);
            await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Change your password" })).ToHaveAttributeAsync("href", "/account/password");
            await browser.ScreenshotAsync("07-account");
            await page.ClickAsync("#sign-out");
            await browser.ArrivedAsync("/account/signin");
            Assert.DoesNotContain(await browser.Context.CookiesAsync([site.Https.ToString()]), c => c.Name == "__Host-vigil");
            // Signed out for real: the client's address asks for the password again.
            await browser.GotoAsync("/events");
            await browser.ArrivedAsync("/account/signin");

        });
        Assert.True(browser.Problems.Count == 0, "the console showed errors:\n" + string.Join('\n', browser.Problems));
    }
}
