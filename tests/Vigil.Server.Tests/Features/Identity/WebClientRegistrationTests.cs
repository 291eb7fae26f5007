using OpenIddict.Abstractions;
using Vigil.Server.Features.Identity;
using Vigil.Server.Tests.Support;

namespace Vigil.Server.Tests.Features.Identity;

/// <summary>The web client vigil serve serves is registered for every address the server certificate covers.</summary>
public sealed class WebClientRegistrationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Vigil_web_may_return_to_every_name_of_the_server_certificate_on_the_https_port()
    {
        var port = VigilExecutable.FreePort();
        await using var vigil = await RunningVigil.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Server:HttpsPort"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Server:PublicHost"] = "vigil.home.arpa",
            ["Pki:ServerNames:0"] = "192.168.1.20",
        }, cancellationToken: Ct);

        var (redirects, postLogout) = await vigil.InScopeAsync(async services =>
        {
            var applications = services.GetRequiredService<IOpenIddictApplicationManager>();
            var web = await applications.FindByClientIdAsync(IdentityScopes.WebClientId, Ct) ?? throw new InvalidOperationException("vigil-web is not registered");
            return ((await applications.GetRedirectUrisAsync(web, Ct)).ToHashSet(), (await applications.GetPostLogoutRedirectUrisAsync(web, Ct)).ToHashSet());
        });

        foreach (var authority in new[] { "vigil.home.arpa", "localhost", "127.0.0.1", "[::1]", "192.168.1.20", System.Net.Dns.GetHostName().ToLowerInvariant() })
        {
            Assert.Contains($"https://{authority}:{port}/auth/callback", redirects);
            Assert.Contains($"https://{authority}:{port}/", postLogout);
        }

        Assert.All(redirects, uri => Assert.StartsWith("https://", uri, StringComparison.Ordinal));
    }
}
