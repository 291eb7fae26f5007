using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Vigil.TestSupport;

namespace Vigil.Agent.Bench;

/// <summary>
/// Time to first frame in the web client, as a person meets it: signed in, on the Cameras page,
/// they click "Watch live" and the clock runs until the Live page shows the camera's first frame.
/// Unlike <see cref="FirstFrameBenchmark"/>, nothing is prepared before the click: the client
/// fetches the camera's viewer credentials, asks for the signaling endpoint and the ICE servers
/// (KVS SDK for JavaScript), then connects (KVS WebRTC JS SDK). Each click starts from a freshly
/// loaded Cameras page, after a random pause, so clicks land anywhere in the source's GOP.
/// </summary>
internal static partial class WebFirstFrameBenchmark
{
    private const string Email = "bench@example.com";
    private const string Password = "correct horse battery staple";

    public static async Task RunAsync(int clicks, DemoLogin? demo)
    {
        if (demo is null)
        {
            await using var rig = await LiveViewRig.StartAsync("DEMO-CAM-BENCH");
            await rig.StartAgentAsync(["--source", "testsrc"]);
            await rig.Agent!.WaitForLineAsync(l => l.Contains(": streaming", StringComparison.Ordinal), LiveViewRig.Patience);
            var temporary = TemporaryPassword().Match(await rig.VigilAsync(["user", "add", Email])).Groups[1].Value;
            var login = new DemoLogin(rig.Https, Email, temporary, rig.Thing, rig.Secret);
            Console.WriteLine($"a LiveViewRig server and camera (testsrc 1280x720 30 fps 2000 kbit/s, keyframe every 2 s); {clicks} clicks on Watch live in the web client");
            await MeasureAsync(rig.Chromium, login, clicks);
            return;
        }

        // ./demo.sh's server and camera, as they run: Chromium in a network namespace (it gathers
        // no ICE candidates on a loopback-only host) resolves the demo's host name to the host end
        // of the veth pair, so the address, the certificate's name and vigil-web's redirect URI
        // are the ones the demo printed.
        await using var network = await NetworkNamespace.CreateAsync();
        await using var chromium = await HeadlessChromium.LaunchAsync(new ChromiumOptions(network,
            ExtraArguments: [$"--host-resolver-rules=MAP {demo.Url.Host} {network.HostAddress}"]));
        Console.WriteLine($"./demo.sh at {demo.Url} (its camera {demo.Serial}); {clicks} clicks on Watch live in the web client");
        await MeasureAsync(chromium, demo, clicks);
    }

    private static async Task MeasureAsync(HeadlessChromium chromium, DemoLogin login, int clicks)
    {
        var started = TimeProvider.System.GetTimestamp();
        var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1280, Height = 860 },
            // The demo's certificate comes from its own CA (.demo/root-ca.pem), which this throw-away profile does not trust.
            IgnoreHTTPSErrors = true,
        });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(60_000);
        await SignInAndAddTheCameraAsync(page, login);
        await page.Locator("#cameras .camera-tile").GetByRole(AriaRole.Link, new() { Name = "Watch live" }).ClickAsync();
        await page.Locator("figure.live-view[data-state=\"playing\"]").WaitForAsync();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"first sign-in (new password, authenticator), Add camera and the first live frame: {TimeProvider.System.GetElapsedTime(started).TotalSeconds:0.0} s after the browser started (typed by the script)"));

        var firstFrames = new List<double>();
        var clientTimes = new List<double>();
        for (var i = 0; i < clicks; i++)
        {
            await page.GotoAsync(new Uri(login.Url, "/cameras").ToString());
            var watch = page.Locator("#cameras .camera-tile").GetByRole(AriaRole.Link, new() { Name = "Watch live" });
            await watch.WaitForAsync();
            await Task.Delay(TimeSpan.FromMilliseconds(RandomNumberGenerator.GetInt32(200, 1500)));
            // The clock, in the page: from the click (capture phase, before the router acts) to the
            // moment the live view's state attribute becomes "playing", which the client sets on
            // the first requestVideoFrameCallback of its <video>.
            await page.EvaluateAsync("""
                () => {
                  window.__click = null; window.__firstFrame = null;
                  document.addEventListener("click", () => { window.__click = performance.now(); }, { capture: true, once: true });
                  const observer = new MutationObserver(() => {
                    if (window.__click !== null && document.querySelector('figure.live-view[data-state="playing"]')) {
                      window.__firstFrame = performance.now() - window.__click;
                      observer.disconnect();
                    }
                  });
                  observer.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-state"] });
                }
                """);
            var clicked = TimeProvider.System.GetTimestamp();
            var timeline = new System.Collections.Concurrent.ConcurrentQueue<string>();
            void OnRequest(object? sender, IRequest request) =>
                timeline.Enqueue(string.Create(CultureInfo.InvariantCulture, $"{TimeProvider.System.GetElapsedTime(clicked).TotalMilliseconds,5:0} ms  {request.Method} {new Uri(request.Url).AbsolutePath}"));
            var last = i == clicks - 1;
            if (last)
            {
                page.Request += OnRequest;
            }

            await watch.ClickAsync();
            await page.WaitForFunctionAsync("() => window.__firstFrame !== null", null, new() { Timeout = 20_000 });
            var firstFrame = await page.EvaluateAsync<double>("() => window.__firstFrame");
            var client = ClientTime().Match(await page.Locator("dd[data-ttff]").InnerTextAsync());
            firstFrames.Add(firstFrame);
            clientTimes.Add(client.Success ? double.Parse(client.Groups[1].Value, CultureInfo.InvariantCulture) : double.NaN);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"click {i + 1,2}: first frame {firstFrame,4:0} ms after the click ({clientTimes[^1],4:0} ms after the viewer started)"));
            if (last)
            {
                page.Request -= OnRequest;
                // Where the last click's time went: the requests the page made after it (times from the click, as seen by the bench).
                Console.WriteLine("requests after the last click:\n  " + string.Join("\n  ", timeline));
            }
        }

        await context.CloseAsync();
        Console.WriteLine("| clicks | first frame p50 | p95 | min | max | of which from viewer start, p50 | load |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|");
        Console.WriteLine($"| {clicks} | **{Machine.Ms(Machine.Percentile(firstFrames, 50))} ms** | **{Machine.Ms(Machine.Percentile(firstFrames, 95))} ms** | " +
            $"{Machine.Ms(firstFrames.Min())} ms | {Machine.Ms(firstFrames.Max())} ms | {Machine.Ms(Machine.Percentile(clientTimes, 50))} ms | {Machine.Load()} |");
    }

    /// <summary>The first sign-in (temporary password, new password, authenticator), then Add camera with the label's serial and secret.</summary>
    private static async Task SignInAndAddTheCameraAsync(IPage page, DemoLogin login)
    {
        // The namespace's interfaces were just made; Chromium may drop the first navigation while it notices.
        await page.NavigateAsync(login.Url.ToString());
        await FirstSignIn.RunAsync(page, login.Url, login.Email, login.TemporaryPassword, Password, CancellationToken.None);
        await page.WaitForURLAsync(new Regex("/cameras$"));
        await page.GotoAsync(new Uri(login.Url, $"/cameras/add?serial={Uri.EscapeDataString(login.Serial)}&secret={Uri.EscapeDataString(login.Secret)}").ToString());
        await page.GetByRole(AriaRole.Button, new() { Name = "Add camera" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/cameras$"));
        await page.Locator("#cameras .camera-tile .presence.online").WaitForAsync();
    }

    [GeneratedRegex(@"^Temporary password: (\S+)", RegexOptions.Multiline)]
    private static partial Regex TemporaryPassword();

    [GeneratedRegex(@"^(\d+) ms$")]
    private static partial Regex ClientTime();
}

/// <summary>Where to sign in and what to add: the address, the account made with <c>vigil user add</c> and its temporary password, the camera's label.</summary>
internal sealed record DemoLogin(Uri Url, string Email, string TemporaryPassword, string Serial, string Secret);
