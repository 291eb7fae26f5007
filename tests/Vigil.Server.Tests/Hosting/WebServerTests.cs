using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Vigil.Server.Hosting;
using Vigil.Server.Tests.Support;

namespace Vigil.Server.Tests.Hosting;

public sealed class WebServerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(StorageProviders.All), MemberType = typeof(StorageProviders))]
    public async Task Readyz_answers_200_over_http_and_over_https_with_a_certificate_from_vigils_ca(string provider)
    {
        await using var vigil = await RunningVigil.StartAsync(provider, cancellationToken: Ct);
        using var http = vigil.CreateClient(https: false);
        using var https = vigil.CreateClient(https: true);

        var overHttp = await http.GetAsync("/readyz", Ct);
        var overHttps = await https.GetAsync("/readyz", Ct);

        Assert.Equal(HttpStatusCode.OK, overHttp.StatusCode);
        Assert.Equal(HttpStatusCode.OK, overHttps.StatusCode);
        Assert.Equal("ready", (await overHttps.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_client_that_trusts_another_ca_refuses_the_https_endpoint()
    {
        await using var vigil = await RunningVigil.StartAsync(cancellationToken: Ct);
        await using var other = await TestVigil.StartAsync("Sqlite", cancellationToken: Ct);
        var otherRoot = other.Services.GetRequiredService<Vigil.Server.Features.Pki.CertificateAuthority>().Certificate;
        using var client = RunningVigil.CreateClient(otherRoot, vigil.Https);

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync("/healthz", Ct));

        Assert.IsType<System.Security.Authentication.AuthenticationException>(error.InnerException);
    }

    [Fact]
    public async Task Healthz_says_the_process_is_up()
    {
        await using var vigil = await RunningVigil.StartAsync(cancellationToken: Ct);
        using var client = vigil.CreateClient();

        var response = await client.GetAsync("/healthz", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Readyz_answers_503_as_a_problem_when_the_database_is_gone_and_healthz_still_200()
    {
        await using var vigil = await RunningVigil.StartAsync("Postgres", cancellationToken: Ct);
        using var client = vigil.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/readyz", Ct)).StatusCode);

        await vigil.Postgres!.DisposeAsync();
        var response = await client.GetAsync("/readyz", Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(ProblemTypes.NotReady, problem.GetProperty("type").GetString());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz", Ct)).StatusCode);
    }

    [Theory]
    [InlineData("GET", "/api/no/such/thing", 404)]
    [InlineData("POST", "/healthz", 405)]
    public async Task Errors_are_problem_details(string method, string path, int status)
    {
        await using var vigil = await RunningVigil.StartAsync(cancellationToken: Ct);
        using var client = vigil.CreateClient();

        var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path), Ct);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(status, (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task Responses_carry_the_security_headers_and_no_server_banner()
    {
        await using var vigil = await RunningVigil.StartAsync(cancellationToken: Ct);
        using var client = vigil.CreateClient();

        var response = await client.GetAsync("/healthz", Ct);

        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.False(response.Headers.Contains("Server"));
    }

    [Fact]
    public async Task The_openapi_document_describes_the_endpoints()
    {
        await using var vigil = await RunningVigil.StartAsync(cancellationToken: Ct);
        using var client = vigil.CreateClient();

        var document = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json", Ct);

        var paths = document.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/healthz", out _));
        Assert.True(paths.TryGetProperty("/readyz", out _));
    }

    [Fact]
    public async Task A_port_in_use_stops_start_up_with_one_line_naming_the_setting()
    {
        using var blocker = new TcpListener(IPAddress.Loopback, 0);
        blocker.Start();
        var port = ((IPEndPoint)blocker.LocalEndpoint).Port;

        var error = await Assert.ThrowsAsync<StartupException>(() => RunningVigil.StartAsync(settings: new Dictionary<string, string?> { ["Server:HttpsPort"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) }, cancellationToken: Ct));

        Assert.Equal($"port {port} is already in use on 127.0.0.1 (Server:HttpsPort); stop the other program or choose another port", error.Message);
    }
}
