using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Vigil.Server.Features.Identity;

namespace Vigil.Server.Tests.Features.Identity;

/// <summary>The fallback authorization policy: a route that forgot its authorization is refused, not run.</summary>
public sealed class FallbackAuthorizationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_route_without_authorization_answers_401_to_anyone_and_never_runs()
    {
        var ran = 0;
        await using var vigil = await IdentityTestServer.StartAsync("Sqlite", null, null, app =>
        {
            app.MapGet("/forgotten", () => Interlocked.Increment(ref ran));
            app.MapPost("/forgotten", () => Interlocked.Increment(ref ran));
            app.MapGet("/open-on-purpose", () => "open").AllowAnonymous();
        }, Ct);
        using var user = await vigil.SignUpAndGetTokensAsync("erin@example.com", Ct);
        using var client = vigil.CreateClient();

        using var anonymous = await client.GetAsync("/forgotten", Ct);
        using var post = await client.PostAsync("/forgotten", content: null, Ct);
        using var withToken = new HttpRequestMessage(HttpMethod.Get, "/forgotten") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", user.Tokens.AccessToken) } };
        using var signedIn = await client.SendAsync(withToken, Ct);
        using var withCookie = await user.Browser.Client.GetAsync("/forgotten", Ct);

        foreach (var response in new[] { anonymous, post, signedIn, withCookie })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(IdentityProblemTypes.NoAuthorizationPolicy, (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("type").GetString());
        }

        Assert.Equal(0, ran);
        Assert.Equal("open", await client.GetStringAsync("/open-on-purpose", Ct));
    }

    [Fact]
    public async Task Anonymous_routes_stay_open_and_the_account_page_still_sees_the_signed_in_cookie()
    {
        await using var vigil = await IdentityTestServer.StartAsync(cancellationToken: Ct);
        using var user = await vigil.SignUpAndGetTokensAsync("frank@example.com", Ct);
        using var client = vigil.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/readyz", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/.well-known/openid-configuration", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/account/signin", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/account/style.css", Ct)).StatusCode);
        // KVS: SigV4 in its own handler answers, not the fallback.
        using var kvs = await client.PostAsync("/describeSignalingChannel", new StringContent("{}"), Ct);
        Assert.NotEqual(HttpStatusCode.Unauthorized, kvs.StatusCode);
        Assert.DoesNotContain("no-authorization-policy", await kvs.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        // The signed-in browser's account page: the fallback did not replace the cookie's user.
        using var account = await user.Browser.Client.GetAsync("/account", Ct);
        Assert.Equal(HttpStatusCode.OK, account.StatusCode);
        Assert.Contains("frank@example.com", await account.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }
}
