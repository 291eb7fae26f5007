using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Vigil.TestSupport;

namespace Vigil.Server.Tests.Features.Identity;

/// <summary>The OpenID Connect provider over real HTTPS: discovery, code + PKCE, tokens, userinfo, refresh.</summary>
public sealed class OidcFlowTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(StorageProviders.All), MemberType = typeof(StorageProviders))]
    public async Task First_sign_in_then_code_with_pkce_gives_tokens_that_the_api_accepts(string provider)
    {
        await using var vigil = await IdentityTestServer.StartAsync(provider, cancellationToken: Ct);

        using var user = await vigil.SignUpAndGetTokensAsync("alice@example.com", Ct);
        using var response = await user.Browser.Client.GetMeAsync(user.Tokens.AccessToken, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var me = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("alice@example.com", me.GetProperty("email").GetString());
        Assert.Equal(["user"], me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.True(me.GetProperty("mfaEnabled").GetBoolean());
        Assert.Equal("Bearer", user.Tokens.TokenType);
        Assert.NotNull(user.Tokens.RefreshToken);
        Assert.NotNull(user.Tokens.IdToken);
    }
}
