using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Vigil.Server.Features.Credentials;
using Vigil.Server.Features.Ingest;
using Vigil.Server.Features.Notifications;
using Vigil.Server.Features.Provisioning;
using Vigil.Server.Hosting;
using Vigil.Server.Tests.Features.Identity;
using Vigil.Server.Tests.Features.SnapshotApi;
using Vigil.TestSupport;

namespace Vigil.Server.Tests.Features.Notifications;

/// <summary>
/// Rule webhooks cannot be pointed at what only the server can reach (SSRF): checked on the
/// resolved address at each delivery, redirects not followed, the failure shown to the rule's
/// owner on <c>GET /api/rules/{id}</c>. Deliveries go to a real HTTP server on loopback.
/// </summary>
public sealed class WebhookTargetTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("127.0.0.1", "loopback")]
    [InlineData("127.9.9.9", "loopback")]
    [InlineData("::1", "loopback")]
    [InlineData("::ffff:127.0.0.1", "loopback")]
    [InlineData("169.254.169.254", "link-local")]
    [InlineData("fe80::1", "link-local")]
    [InlineData("0.0.0.0", "unspecified")]
    [InlineData("0.1.2.3", "unspecified")]
    [InlineData("::", "unspecified")]
    [InlineData("224.0.0.251", "multicast")]
    [InlineData("ff02::1", "multicast")]
    [InlineData("255.255.255.255", "broadcast")]
    [InlineData("10.1.2.3", null)]
    [InlineData("172.20.0.1", null)]
    [InlineData("192.168.1.20", null)]
    [InlineData("fd12:3456::1", null)]
    [InlineData("93.184.215.14", null)]
    [InlineData("2606:4700::1111", null)]
    public void Each_kind_of_address_is_refused_or_allowed_by_default(string address, string? refusedAs)
    {
        var refusal = Guard(new NotificationsOptions()).Refusal(IPAddress.Parse(address), 443);

        if (refusedAs is null)
        {
            Assert.Null(refusal);
        }
        else
        {
            Assert.Contains(refusedAs, refusal, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("10.1.2.3")]
    [InlineData("172.31.255.1")]
    [InlineData("192.168.0.1")]
    [InlineData("100.64.0.1")]
    [InlineData("fd00::1")]
    public void Private_ranges_are_refused_when_AllowPrivateWebhookTargets_is_off(string address)
    {
        var refusal = Guard(new NotificationsOptions { AllowPrivateWebhookTargets = false }).Refusal(IPAddress.Parse(address), 443);

        Assert.Contains("Notifications:AllowPrivateWebhookTargets", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void Vigils_own_ports_on_this_machine_are_refused_even_with_loopback_allowed()
    {
        var guard = Guard(new NotificationsOptions { AllowLoopbackWebhookTargets = true });

        Assert.Contains("Vigil's own ports", guard.Refusal(IPAddress.Loopback, new ServerOptions().HttpsPort), StringComparison.Ordinal);
        Assert.Contains("Vigil's own ports", guard.Refusal(IPAddress.Loopback, new ProvisioningOptions().MqttPort), StringComparison.Ordinal);
        Assert.Null(guard.Refusal(IPAddress.Loopback, 8123)); // a Home Assistant beside Vigil
    }

    [Fact]
    public async Task A_webhook_that_resolves_to_loopback_is_refused_at_delivery_and_the_owner_sees_why()
    {
        await using var receiver = await WebhookReceiver.StartAsync(fails: 0, Ct);
        await using var vigil = await IdentityTestServer.StartAsync("Sqlite", SnapshotAssets.ServerSettings(new Dictionary<string, string?> { ["Notifications:MaxAttempts"] = "1" }), Ct);
        using var user = await vigil.SignUpAndGetTokensAsync("lena@example.com", Ct);
        var (client, token) = (user.Browser.Client, user.Tokens.AccessToken);
        var camera = await SnapshotTestData.AddCameraAsync(vigil.App.Services, "lena@example.com", "Porch", Ct);

        // Written as an address, it is refused when the rule is saved.
        using var literal = await client.SendAsync(HttpMethod.Post, "/api/rules", token, new { labels = new[] { "Dog" }, webhook = $"http://127.0.0.1:{receiver.Port}/hook" }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, literal.StatusCode);
        Assert.Contains("loopback", (await literal.JsonAsync(Ct)).GetProperty("detail").GetString(), StringComparison.Ordinal);

        // A name is accepted (it may resolve elsewhere later), and refused on what it resolves to when delivering.
        using var created = await client.SendAsync(HttpMethod.Post, "/api/rules", token, new { labels = new[] { "Dog" }, webhook = $"http://localhost:{receiver.Port}/hook" }, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var ruleUrl = created.Headers.Location!.ToString();
        var reply = await SmtpScript.SendMessageAsync(vigil.Smtp, camera.IngestAddress, CameraMail.With(("dog.jpg", "image/jpeg", await File.ReadAllBytesAsync(SnapshotAssets.Picture("dog.jpg"), Ct))), Ct);
        Assert.StartsWith("250", reply, StringComparison.Ordinal);

        var delivery = await LastDeliveryAsync(client, ruleUrl, token, "Failed");
        Assert.Equal("Webhook", delivery.GetProperty("action").GetString());
        Assert.Contains("loopback", delivery.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.False(receiver.Posts.TryRead(out _), "the loopback receiver was called");
    }

    [Fact]
    public async Task Redirects_are_not_followed_and_vigils_own_port_is_refused()
    {
        await using var inner = await WebhookReceiver.StartAsync(fails: 0, Ct);
        await using var outer = await WebhookReceiver.StartAsync(fails: 0, Ct, redirectTo: $"http://127.0.0.1:{inner.Port}/inner");
        await using var vigil = await IdentityTestServer.StartAsync(
            "Sqlite",
            SnapshotAssets.ServerSettings(new Dictionary<string, string?> { ["Notifications:MaxAttempts"] = "1", ["Notifications:AllowLoopbackWebhookTargets"] = "true" }),
            Ct);
        using var user = await vigil.SignUpAndGetTokensAsync("omar@example.com", Ct);
        var (client, token) = (user.Browser.Client, user.Tokens.AccessToken);
        var camera = await SnapshotTestData.AddCameraAsync(vigil.App.Services, "omar@example.com", "Gate", Ct);

        using var own = await client.SendAsync(HttpMethod.Post, "/api/rules", token, new { labels = new[] { "Dog" }, webhook = new Uri(vigil.Http, "/api/rules").ToString() }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, own.StatusCode);
        Assert.Contains("Vigil's own ports", (await own.JsonAsync(Ct)).GetProperty("detail").GetString(), StringComparison.Ordinal);

        using var created = await client.SendAsync(HttpMethod.Post, "/api/rules", token, new { labels = new[] { "Dog" }, webhook = $"http://127.0.0.1:{outer.Port}/hook" }, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var reply = await SmtpScript.SendMessageAsync(vigil.Smtp, camera.IngestAddress, CameraMail.With(("dog.jpg", "image/jpeg", await File.ReadAllBytesAsync(SnapshotAssets.Picture("dog.jpg"), Ct))), Ct);
        Assert.StartsWith("250", reply, StringComparison.Ordinal);

        var delivery = await LastDeliveryAsync(client, created.Headers.Location!.ToString(), token, "Failed");
        Assert.Contains("redirects are not followed", delivery.GetProperty("error").GetString(), StringComparison.Ordinal);
        var post = await outer.Posts.ReadAsync(Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.Equal(307, post.GetProperty("status").GetInt32());
        Assert.False(inner.Posts.TryRead(out _), "the redirect was followed");
    }

    private static async Task<JsonElement> LastDeliveryAsync(HttpClient client, string ruleUrl, string? token, string status)
    {
        JsonElement last = default;
        await Eventually.WaitAsync(
            async () =>
            {
                using var response = await client.SendAsync(HttpMethod.Get, ruleUrl, token, cancellationToken: Ct);
                last = (await response.JsonAsync(Ct)).GetProperty("lastDelivery");
                return last.ValueKind == JsonValueKind.Object && last.GetProperty("status").GetString() == status;
            },
            TimeSpan.FromSeconds(60),
            $"the rule's last delivery {status}",
            Ct);
        return last;
    }

    private static WebhookTargetGuard Guard(NotificationsOptions options) => new(
        Options.Create(options),
        Options.Create(new ServerOptions()),
        Options.Create(new IngestOptions()),
        Options.Create(new ProvisioningOptions()),
        Options.Create(new CredentialsProviderOptions()),
        new ServiceCollection().BuildServiceProvider());
}
