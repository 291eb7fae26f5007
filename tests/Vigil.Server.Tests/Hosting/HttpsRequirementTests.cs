using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Vigil.Server.Features.Ingest;
using Vigil.TestSupport;

namespace Vigil.Server.Tests.Hosting;

/// <summary><c>Server:RequireHttps</c>: the plain HTTP port refuses what carries a secret and keeps health, readiness and metrics.</summary>
public sealed class HttpsRequirementTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task By_default_plain_http_refuses_the_api_kvs_signaling_the_upload_and_the_webhook_with_a_problem_naming_the_https_url()
    {
        await using var vigil = await RunningVigil.StartAsync(cancellationToken: Ct);
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = vigil.Http };
        var secret = vigil.App.Services.GetRequiredService<IngestWebhookKey>().Secret;

        foreach (var (method, path) in new[]
        {
            (HttpMethod.Get, "/api/cameras"),
            (HttpMethod.Get, "/api/me"),
            (HttpMethod.Post, "/api/ingest/snapshot"),
            (HttpMethod.Post, "/api/ingest/sendgrid/" + secret),
            (HttpMethod.Post, "/describeSignalingChannel"),
            (HttpMethod.Post, "/v1/get-ice-server-config"),
            (HttpMethod.Get, "/signaling/viewer?X-Amz-ChannelARN=x"),
        })
        {
            using var request = new HttpRequestMessage(method, path) { Content = method == HttpMethod.Post ? new ByteArrayContent([1, 2, 3]) : null };
            using var response = await http.SendAsync(request, Ct);

            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{method} {path} over HTTP answered {(int)response.StatusCode}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
            Assert.Equal("https://vigil.invalid/problems/https-required", problem.GetProperty("type").GetString());
            var httpsUrl = $"https://127.0.0.1:{vigil.Https.Port}{path}";
            Assert.Equal(httpsUrl, problem.GetProperty("httpsUrl").GetString());
            Assert.Contains(httpsUrl, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/readyz", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/metrics", Ct)).StatusCode);
        using var signIn = await http.GetAsync("/account/signin", Ct);
        Assert.Equal(HttpStatusCode.TemporaryRedirect, signIn.StatusCode);
        Assert.Equal($"https://127.0.0.1:{vigil.Https.Port}/account/signin", signIn.Headers.Location?.ToString());

        // The same routes over HTTPS are served (here: refused by their own authentication, not by transport).
        using var https = vigil.CreateClient();
        using var upload = await https.PostAsync("/api/ingest/snapshot", new ByteArrayContent([1, 2, 3]), Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, upload.StatusCode);
    }

    [Fact]
    public async Task With_require_https_off_the_upload_is_served_on_plain_http()
    {
        await using var vigil = await RunningVigil.StartAsync(settings: new Dictionary<string, string?> { ["Server:RequireHttps"] = "false" }, cancellationToken: Ct);
        using var http = new HttpClient { BaseAddress = vigil.Http };

        using var upload = await http.PostAsync("/api/ingest/snapshot", new ByteArrayContent([1, 2, 3]), Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, upload.StatusCode); // the upload's own token check answered
    }
}
