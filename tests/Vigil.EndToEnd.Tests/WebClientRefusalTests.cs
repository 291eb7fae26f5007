using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.Playwright;
using Vigil.EndToEnd.Tests.Support;
using Vigil.Server.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Vigil.EndToEnd.Tests;

/// <summary>What the web client must refuse or recover from, in the browser.</summary>
public sealed class WebClientRefusalTests
{
    private const string Alice = "alice@example.com";
    private const string Bob = "bob@example.com";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Another_users_cameras_and_events_never_appear_and_their_addresses_say_not_found()
    {
        await using var site = VigilSite.Create();
        var temporary = await site.AddUserAsync(Alice, Ct);
        await site.AddUserAsync(Bob, Ct);
        await site.AddSnapshotCameraAsync(Alice, "Front door", Ct);
        var garage = await site.AddSnapshotCameraAsync(Bob, "Garage", Ct);
        await site.StartAsync(Ct);
        await site.UploadPictureAsync(garage, SnapshotAssets.Picture("dog.jpg"), Ct);
        await site.WaitForEventsAsync(Bob, 1, Ct);
        using var events = JsonDocument.Parse(await site.RunAsync(["events", "list", "--owner", Bob, "--json"], Ct));
        var bobsEvent = events.RootElement.GetProperty("events")[0].GetProperty("id").GetInt64();
        await using var browser = await WebClientBrowser.OpenAsync(site);
        var page = browser.Page;

        await browser.RunAsync("other-user", async () =>
        {
            await browser.GotoAsync("/cameras");
            await browser.FirstSignInAsync(Alice, temporary, Ct);
            await browser.ArrivedAsync("/cameras");
            await Expect(page.Locator("#cameras .camera-tile")).ToHaveCountAsync(1);
            await Expect(page.Locator("#cameras")).ToContainTextAsync("Front door");
            await Expect(page.Locator("main")).Not.ToContainTextAsync("Garage");

            await browser.GotoAsync("/events");
            await Expect(page.GetByText("No events yet.")).ToBeVisibleAsync();
            // Bob's camera as a filter: the API scopes to Alice, so nothing, not Bob's event.
            await browser.GotoAsync($"/events?camera={garage.Id}");
            await Expect(page.GetByText("No events match these filters.")).ToBeVisibleAsync();

            browser.ExpectRefusal($"/api/events/{bobsEvent}", 404);
            await browser.GotoAsync($"/events/{bobsEvent}");
            await Expect(page.Locator("h1")).ToHaveTextAsync("Event not found");
            await Expect(page.Locator("main img")).ToHaveCountAsync(0);

            // 404 from the camera API; 405 from a server that has no GET /api/cameras/{id} yet
            // (the client then looks the camera up in the caller's list, which does not have it).
            browser.ExpectRefusal($"/api/cameras/{garage.Id}", 404);
            browser.ExpectRefusal($"/api/cameras/{garage.Id}", 405);
            await browser.GotoAsync($"/live/{garage.Id}");
            await Expect(page.Locator("h1")).ToHaveTextAsync("Camera not found");

            // A rule offers only her own cameras.
            await browser.GotoAsync("/rules/new");
            await Expect(page.Locator("input[name=cameras]")).ToHaveCountAsync(1);
            await Expect(page.Locator("form")).Not.ToContainTextAsync("Garage");
        });
        Assert.True(browser.Problems.Count == 0, "the console showed errors:\n" + string.Join('\n', browser.Problems));
    }

    [Fact]
    public async Task An_ended_session_sends_the_user_to_sign_in_and_back_to_the_page_they_were_on()
    {
        // Access tokens live one minute (the shortest Vigil allows), so the client's renewal comes
        // within the test; the session is ended the way it ends on the server: the refresh token is
        // revoked (RFC 7009, as when the session's lifetime is over) and the sign-in cookie is gone.
        await using var site = VigilSite.Create(settings: new Dictionary<string, string?> { ["VIGIL__Identity__AccessTokenLifetime"] = "00:01:00" });
        var temporary = await site.AddUserAsync(Alice, Ct);
        await site.AddSnapshotCameraAsync(Alice, "Front door", Ct);
        await site.StartAsync(Ct);
        using var root = X509Certificate2.CreateFromPem(await site.RunAsync(["ca", "export"], Ct));
        using var http = RunningVigil.CreateClient(root, site.Https);
        await using var browser = await WebClientBrowser.OpenAsync(site);
        var page = browser.Page;

        await browser.RunAsync("ended-session", async () =>
        {
            await browser.GotoAsync("/");
            var secret = await browser.FirstSignInAsync(Alice, temporary, Ct);
            await browser.ArrivedAsync("/cameras");
            await browser.GotoAsync("/events?label=Dog");
            await Expect(page.GetByText("No events match these filters.")).ToBeVisibleAsync();

            await EndSessionAsync(browser, http);
            // The client's renewal is refused; when the access token runs out, it goes to sign in.
            browser.ExpectRefusal("/connect/token", 400);
            await browser.ArrivedAsync("/account/signin", timeoutMs: 150_000);
            await browser.SignInAsync(Alice, secret, Ct);

            await browser.ArrivedAsync("/events?label=Dog");
            await Expect(page.Locator("select[name=label]")).ToHaveValueAsync("Dog");
            await Expect(page.GetByText("No events match these filters.")).ToBeVisibleAsync();
        });
        Assert.True(browser.Problems.Count == 0, "the console showed errors:\n" + string.Join('\n', browser.Problems));
    }

    /// <summary>Revokes the page's current refresh token and drops the provider's cookie; retried if the client renewed in between.</summary>
    private static async Task EndSessionAsync(WebClientBrowser browser, HttpClient http)
    {
        var key = $"oidc.user:{browser.Site.Https}:vigil-web";
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var refresh = await RefreshTokenAsync(browser.Page, key);
            using var revoke = await http.PostAsync("/connect/revoke", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["token"] = refresh,
                ["token_type_hint"] = "refresh_token",
                ["client_id"] = "vigil-web",
            }), Ct);
            Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
            await browser.Context.ClearCookiesAsync();
            if (await RefreshTokenAsync(browser.Page, key) == refresh)
            {
                return;
            }
        }

        throw new InvalidOperationException("the client renewed its tokens every time the test revoked one");
    }

    private static async Task<string> RefreshTokenAsync(IPage page, string key)
    {
        var stored = await page.EvaluateAsync<string?>("key => sessionStorage.getItem(key)", key)
            ?? throw new InvalidOperationException($"no {key} in sessionStorage");
        using var user = JsonDocument.Parse(stored);
        return user.RootElement.GetProperty("refresh_token").GetString()!;
    }
}
