using OpenIddict.Abstractions;
using Vigil.Server.Features.Identity;
using Vigil.Server.Features.Integrations;
using Vigil.Server.Features.Notifications;
using Vigil.Server.Features.Signaling;
using Vigil.Server.Hosting;
using Vigil.TestSupport;

namespace Vigil.Server.Tests.Hosting;

/// <summary>The public HTTPS address that signaling endpoints and MQTT event messages hand out, from one place.</summary>
public sealed class PublicAddressTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task With_a_free_port_the_address_is_the_port_kestrel_bound_and_both_features_use_it()
    {
        await using var vigil = await RunningVigil.StartAsync(cancellationToken: Ct);
        var expected = $"https://localhost:{vigil.Https.Port}";
        var eventKey = Guid.NewGuid();

        Assert.Equal(expected, vigil.App.Services.GetRequiredService<PublicAddress>().Https);
        Assert.Equal(expected, vigil.App.Services.GetRequiredService<SignalingUrls>().Https);
        // Before, the picture URL said 443 whenever Server:HttpsPort was 0.
        Assert.Equal($"{expected}/api/events/{eventKey:D}/picture", MqttAction(vigil).PictureUrl(eventKey));
    }

    [Fact]
    public async Task An_ipv6_public_host_is_bracketed_and_each_feature_setting_still_overrides_it()
    {
        await using var vigil = await RunningVigil.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Server:PublicHost"] = "::1",
            ["Signaling:PublicBaseUrl"] = "https://signaling.example.com:9443",
        }, cancellationToken: Ct);
        var eventKey = Guid.NewGuid();

        Assert.Equal($"[::1]:{vigil.Https.Port}", vigil.App.Services.GetRequiredService<PublicAddress>().Authority);
        Assert.Equal($"https://[::1]:{vigil.Https.Port}/api/events/{eventKey:D}/picture", MqttAction(vigil).PictureUrl(eventKey));
        Assert.Equal("wss://signaling.example.com:9443/signaling/viewer", vigil.App.Services.GetRequiredService<SignalingUrls>().Wss(master: false));

        // The web client's sign-in redirect is registered at start; an unbracketed IPv6 host stopped the server.
        await using var scope = vigil.App.Services.CreateAsyncScope();
        var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        var web = await applications.FindByClientIdAsync(IdentityScopes.WebClientId, Ct);
        Assert.NotNull(web);
        Assert.Contains("https://[::1]/auth/callback", await applications.GetRedirectUrisAsync(web, Ct));
    }

    [Theory]
    [InlineData("vigil.home.arpa", 8443, "vigil.home.arpa:8443")]
    [InlineData("vigil.home.arpa", 443, "vigil.home.arpa")]
    [InlineData("vigil.home.arpa", 0, "vigil.home.arpa")]
    [InlineData("192.168.1.20", 8443, "192.168.1.20:8443")]
    [InlineData("::1", 8443, "[::1]:8443")]
    [InlineData("fe80::1", 443, "[fe80::1]")]
    [InlineData("[::1]", 8443, "[::1]:8443")]
    public void An_authority_brackets_an_ipv6_address_once_and_leaves_out_port_443(string host, int port, string expected) =>
        Assert.Equal(expected, PublicAddress.AuthorityOf(host, port));

    private static MqttNotificationAction MqttAction(RunningVigil vigil) =>
        vigil.App.Services.GetServices<INotificationAction>().OfType<MqttNotificationAction>().Single();
}
