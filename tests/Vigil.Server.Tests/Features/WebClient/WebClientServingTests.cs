using System.Net;
using System.Text.Json;
using Vigil.Server.Tests.Support;

namespace Vigil.Server.Tests.Features.WebClient;

/// <summary>
/// <c>vigil serve</c> serving a built web client: files, <c>index.html</c> for client routes,
/// the server's own paths left alone, caching and the content security policy. The client here
/// is a stand-in directory (WebClient:Root) so these tests do not depend on an npm build; the
/// real client runs in Chromium in tests/Vigil.EndToEnd.Tests.
/// </summary>
public sealed class WebClientServingTests : IDisposable
{
    private const string Index = "<!doctype html><title>Vigil test client</title><script type=\"module\" src=\"/assets/app-1a2b3c.js\"></script>";

    private readonly TempDirectory _client = new("web-client");

    public WebClientServingTests()
    {
        Directory.CreateDirectory(_client.File("assets"));
        File.WriteAllText(_client.File("index.html"), Index);
        File.WriteAllText(_client.File("favicon.svg"), "<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
        File.WriteAllText(Path.Combine(_client.Path, "assets", "app-1a2b3c.js"), "console.log('vigil');");
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/")]
    [InlineData("/cameras")]
    [InlineData("/cameras/add?serial=SN1&secret=s")]
    [InlineData("/live/0b7a7f4e-0000-4000-8000-000000000001")]
    [InlineData("/events/42")]
    [InlineData("/auth/callback?code=x&state=y")]
    public async Task Client_routes_get_index_html_with_a_strict_policy_and_no_caching(string path)
    {
        await using var vigil = await StartAsync();
        using var client = vigil.CreateClient();

        using var response = await client.GetAsync(path, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Index, await response.Content.ReadAsStringAsync(Ct));
        Assert.True(response.Headers.CacheControl?.NoStore, "index.html must never be stored: a new release is picked up at the next load");
        var policy = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("script-src 'self';", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", policy, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
    }

    [Fact]
    public async Task Hashed_assets_are_cached_for_a_year_and_other_files_are_revalidated()
    {
        await using var vigil = await StartAsync();
        using var client = vigil.CreateClient();

        using var script = await client.GetAsync("/assets/app-1a2b3c.js", Ct);
        using var icon = await client.GetAsync("/favicon.svg", Ct);
        using var missing = await client.GetAsync("/assets/app-000000.js", Ct);

        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
        Assert.Equal("public, max-age=31536000, immutable", script.Headers.CacheControl?.ToString());
        Assert.Equal(HttpStatusCode.OK, icon.StatusCode);
        Assert.True(icon.Headers.CacheControl?.NoCache);
        // A file that is not there is a 404, never the client's page (a stale index.html asking
        // for an old script must fail visibly, not run HTML as JavaScript).
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Scripts_are_sent_compressed_to_browsers_that_accept_it()
    {
        File.WriteAllText(Path.Combine(_client.Path, "assets", "big-4d5e6f.js"), string.Concat(Enumerable.Repeat("console.log('vigil web client');\n", 2000)));
        await using var vigil = await StartAsync();
        using var client = vigil.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/assets/big-4d5e6f.js");
        request.Headers.AcceptEncoding.ParseAdd("gzip, br");

        using var response = await client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("br", Assert.Single(response.Content.Headers.ContentEncoding));
        await using var body = new System.IO.Compression.BrotliStream(await response.Content.ReadAsStreamAsync(Ct), System.IO.Compression.CompressionMode.Decompress);
        using var reader = new StreamReader(body);
        Assert.Equal(await File.ReadAllTextAsync(Path.Combine(_client.Path, "assets", "big-4d5e6f.js"), Ct), await reader.ReadToEndAsync(Ct));
    }

    [Theory]
    [InlineData("/api/no/such/thing")]
    [InlineData("/api/cameras/x/y/z")]
    [InlineData("/connect/nothing")]
    [InlineData("/account/nothing")]
    [InlineData("/.well-known/nothing")]
    [InlineData("/signaling/nothing")]
    [InlineData("/v1/nothing")]
    [InlineData("/role-aliases/x")]
    [InlineData("/assets/no-extension")]
    public async Task Server_paths_that_match_nothing_stay_the_servers_404_problem(string path)
    {
        await using var vigil = await StartAsync();
        using var client = vigil.CreateClient();

        using var response = await client.GetAsync(path, Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Server_endpoints_answer_as_before()
    {
        await using var vigil = await StartAsync();
        using var client = vigil.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/events", Ct)).StatusCode);
        var discovery = await client.GetAsync("/.well-known/openid-configuration", Ct);
        Assert.Equal(HttpStatusCode.OK, discovery.StatusCode);
        Assert.Equal("application/json", discovery.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<title>Sign in", await client.GetStringAsync("/account/signin", Ct), StringComparison.Ordinal);
        // A KVS operation without a signature is refused the AWS way, not answered with a page.
        var kvs = await client.PostAsync("/describeSignalingChannel", new StringContent("{}"), Ct);
        Assert.Equal(HttpStatusCode.Forbidden, kvs.StatusCode);
    }

    [Fact]
    public async Task Other_methods_keep_the_servers_answers()
    {
        await using var vigil = await StartAsync();
        using var client = vigil.CreateClient();

        using var post = await client.PostAsync("/cameras", new StringContent(""), Ct);
        using var wrongMethod = await client.PostAsync("/healthz", new StringContent(""), Ct);
        using var kvsGet = await client.GetAsync("/describeSignalingChannel", Ct);

        Assert.Equal(HttpStatusCode.NotFound, post.StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod.StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, kvsGet.StatusCode);
    }

    [Fact]
    public async Task Over_plain_http_the_client_moves_to_https_and_the_api_stays()
    {
        await using var vigil = await StartAsync();
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = vigil.Http };

        using var page = await http.GetAsync("/events?label=Person", Ct);
        using var health = await http.GetAsync("/healthz", Ct);

        Assert.Equal(HttpStatusCode.TemporaryRedirect, page.StatusCode);
        Assert.Equal(new Uri(vigil.Https, "/events?label=Person"), page.Headers.Location);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task Without_a_built_client_the_root_leads_to_the_account_pages()
    {
        using var empty = new TempDirectory("no-web-client");
        await using var vigil = await RunningVigil.StartAsync(settings: new Dictionary<string, string?> { ["WebClient:Root"] = empty.Path }, cancellationToken: Ct);
        using var client = vigil.CreateClient();

        using var root = await client.GetAsync("/", Ct);
        using var route = await client.GetAsync("/cameras", Ct);

        Assert.Equal("/account/signin", root.RequestMessage?.RequestUri?.AbsolutePath);
        Assert.Equal(HttpStatusCode.NotFound, route.StatusCode);
        Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(await route.Content.ReadAsStringAsync(Ct)).RootElement.ValueKind);
    }

    private Task<RunningVigil> StartAsync() =>
        RunningVigil.StartAsync(settings: new Dictionary<string, string?> { ["WebClient:Root"] = _client.Path }, cancellationToken: Ct);

    public void Dispose() => _client.Dispose();
}
