using System.Globalization;
using Microsoft.Playwright;
using Vigil.EndToEnd.Tests.Support;
using Vigil.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace Vigil.EndToEnd.Tests;

/// <summary>
/// The journey the product exists for, in Chromium: a new user adds the camera they bought — the
/// demo camera, provisioned by claim and streaming with <c>vigil-agent run</c> — with the serial
/// number and secret on its label, sees it come online, and watches it live in the web client,
/// which uses the KVS SDKs with the camera's own viewer credentials. The browser runs in a network
/// namespace (Chromium gathers no ICE candidates on a loopback-only host); the server and the
/// camera listen on the host end of its veth pair.
/// </summary>
public sealed class WebClientLiveTests
{
    private const string Alice = "alice@example.com";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_new_user_adds_the_demo_camera_with_its_label_sees_it_online_and_watches_it_live()
    {
        await using var network = await NetworkNamespace.CreateAsync(Ct);
        var host = network.HostAddress.ToString();
        await using var site = VigilSite.Create(host, new Dictionary<string, string?> { ["VIGIL__Server__ListenAddress"] = host });
        var temporary = await site.AddUserAsync(Alice, Ct);
        await site.StartAsync(Ct);
        await using var camera = await DemoCamera.StartAsync(site, host, cancellationToken: Ct);
        await using var browser = await WebClientBrowser.OpenAsync(site, chromium: new ChromiumOptions(network));
        var page = browser.Page;

        await browser.RunAsync("live", async () =>
        {
            await browser.GotoAsync("/");
            await browser.FirstSignInAsync(Alice, temporary, Ct);
            await browser.ArrivedAsync("/cameras");
            await Expect(page.GetByText("No cameras yet.")).ToBeVisibleAsync();
            await page.GetByRole(AriaRole.Link, new() { Name = "Add camera", Exact = true }).ClickAsync();
            await browser.ArrivedAsync("/cameras/add");

            // A mistyped secret: a message a person understands, and nothing bound.
            await page.FillAsync("#serial", camera.Serial);
            await page.FillAsync("#secret", camera.Secret.ToUpperInvariant());
            browser.ExpectRefusal("/api/cameras/bind", 403);
            await page.GetByRole(AriaRole.Button, new() { Name = "Add camera" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("The serial number or the secret is wrong");
            Assert.DoesNotContain(camera.Serial, await site.RunAsync(["cameras", "list", "--owner", Alice], Ct), StringComparison.Ordinal);

            await page.FillAsync("#secret", camera.Secret);
            await page.GetByRole(AriaRole.Button, new() { Name = "Add camera" }).ClickAsync();
            await browser.ArrivedAsync("/cameras");
            var tile = page.Locator("#cameras .camera-tile");
            await Expect(tile).ToHaveCountAsync(1);
            await Expect(tile).ToContainTextAsync(camera.Serial);
            await Expect(tile).ToContainTextAsync("Live camera");
            await Expect(tile.Locator(".presence")).ToHaveTextAsync("Online");
            await browser.ScreenshotAsync("09-camera-online");

            await tile.GetByRole(AriaRole.Link, new() { Name = "Watch live" }).ClickAsync();
            await browser.ArrivedAsync("/live/");
            var view = page.Locator("figure.live-view");
            await Expect(view).ToHaveAttributeAsync("data-state", "playing", new() { Timeout = 60_000 });
            // Frames keep coming: the count rises by a second's worth and more.
            var decoded = await FramesDecodedAsync(view);
            await Eventually.WaitAsync(async () => await FramesDecodedAsync(view) >= decoded + 30, TimeSpan.FromSeconds(30), "30 more frames decoded", Ct);

            // The picture is the camera's: not black, the size it sends, and moving (testsrc's
            // pattern and clock change from one frame to the next).
            var before = await PictureAsync(page);
            await Task.Delay(TimeSpan.FromMilliseconds(700), Ct);
            var after = await PictureAsync(page);
            TestContext.Current.TestOutputHelper?.WriteLine($"picture: {before}; later {after}");
            Assert.Equal((640, 360), (before.Width, before.Height));
            Assert.True(before.MeanLuma > 20 && before.LumaDeviation > 10, $"the picture looks black or flat: {before}");
            Assert.NotEqual(before.Hash, after.Hash);

            // The overlay says what the connection is.
            await Expect(view.Locator(".state")).ToHaveTextAsync("Live");
            await Expect(view.Locator("dd[data-ttff]")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d+ ms$"));
            await Expect(view.Locator(".figures")).ToContainTextAsync("640×360");
            await Expect(view.Locator(".figures")).ToContainTextAsync(new System.Text.RegularExpressions.Regex(@"\d bit/s|\d kbit/s|Mbit/s"));
            await browser.ScreenshotAsync("10-live");

            // The camera goes away: the open list says so by itself (the status stream), no reload.
            await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "Cameras" }).ClickAsync();
            await Expect(page.GetByText("Online status updates live.")).ToBeVisibleAsync();
            await Expect(tile.Locator(".presence")).ToHaveTextAsync("Online");
            await camera.StopAsync();
            await Expect(tile.Locator(".presence")).ToHaveTextAsync("Offline", new() { Timeout = 30_000 });
            await Expect(page.GetByText("Online status updates live.")).ToBeVisibleAsync();
        });
        Assert.True(browser.Problems.Count == 0, "the console showed errors:\n" + string.Join('\n', browser.Problems));
    }

    private static async Task<long> FramesDecodedAsync(ILocator view) =>
        long.Parse(await view.GetAttributeAsync("data-frames-decoded") ?? "0", CultureInfo.InvariantCulture);

    /// <summary>The video element's current picture, drawn small on a canvas: its size, mean and spread of brightness, and a hash of its pixels.</summary>
    private static async Task<Picture> PictureAsync(IPage page)
    {
        var values = await page.EvaluateAsync<double[]>("""
            () => {
              const video = document.querySelector("figure.live-view video");
              const canvas = document.createElement("canvas");
              canvas.width = 64; canvas.height = 36;
              const context = canvas.getContext("2d");
              context.drawImage(video, 0, 0, 64, 36);
              const data = context.getImageData(0, 0, 64, 36).data;
              let sum = 0, squares = 0, hash = 0;
              for (let i = 0; i < data.length; i += 4) {
                const luma = 0.299 * data[i] + 0.587 * data[i + 1] + 0.114 * data[i + 2];
                sum += luma; squares += luma * luma;
                hash = (hash * 31 + data[i] + 7 * data[i + 1] + 13 * data[i + 2]) % 1000000007;
              }
              const n = data.length / 4, mean = sum / n;
              return [video.videoWidth, video.videoHeight, mean, Math.sqrt(Math.max(0, squares / n - mean * mean)), hash];
            }
            """);
        return new Picture((int)values[0], (int)values[1], values[2], values[3], (long)values[4]);
    }

    private sealed record Picture(int Width, int Height, double MeanLuma, double LumaDeviation, long Hash);
}
