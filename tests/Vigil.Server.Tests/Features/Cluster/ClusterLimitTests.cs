using System.Net;
using Microsoft.Extensions.Time.Testing;
using Vigil.Server.Tests.Features.Cameras;
using Vigil.Server.Tests.Features.Identity;
using Vigil.Server.Tests.Features.SnapshotApi;
using Vigil.TestSupport;

namespace Vigil.Server.Tests.Features.Cluster;

/// <summary>Limits that protect users hold for the cluster, not per node: what an attacker spreads over nodes adds up.</summary>
public sealed class ClusterLimitTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Failed_binding_attempts_on_both_nodes_count_against_one_limit_and_node_1s_token_is_accepted_by_node_2()
    {
        await using var nodes = await ClusterNodes.StartAsync(Ct, new Dictionary<string, string?>
        {
            ["Identity:Clients:0:ClientId"] = IdentityTestServer.ClientId,
            ["Identity:Clients:0:RedirectUris:0"] = IdentityTestServer.RedirectUri,
            ["Identity:Clients:0:PostLogoutRedirectUris:0"] = IdentityTestServer.PostLogoutRedirectUri,
            ["Identity:SignInAttemptsPerMinute"] = "10000",
            ["Cameras:BindFailuresPerSerial"] = "4",
            // One issuer for the cluster (behind a load balancer it is the public address every node shares).
            ["Identity:Issuer"] = "https://vigil.example.com/",
        });
        await DeviceClients.ImportAsync(nodes.Node1, "CAM-C1");
        // Signed in on node 1: its access token (signed with the shared OIDC key) is used on both nodes.
        using var mallory = await CameraApiClient.SignUpAsync(nodes.Node1, "mallory@example.com", Ct);
        using var node2 = nodes.Node2.CreateClient();

        var misses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            var body = new { serialNumber = "CAM-C1", secret = $"guess-{i:D4}" };
            using var miss = i % 2 == 0
                ? await mallory.BindAsync("CAM-C1", body.secret, Ct)
                : await node2.SendAsync(HttpMethod.Post, "/api/cameras/bind", mallory.Token, body, Ct);
            misses.Add(miss.StatusCode);
        }

        using var lockedOn1 = await mallory.BindAsync("CAM-C1", "secret-CAM-C1", Ct);
        using var lockedOn2 = await node2.SendAsync(HttpMethod.Post, "/api/cameras/bind", mallory.Token, new { serialNumber = "CAM-C1", secret = "secret-CAM-C1" }, Ct);

        // Two misses per node: each node alone is under the limit of 4; together they reach it.
        Assert.Equal(Enumerable.Repeat(HttpStatusCode.Forbidden, 4), misses);
        Assert.Equal(HttpStatusCode.TooManyRequests, lockedOn1.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, lockedOn2.StatusCode);
    }

    [Fact]
    public async Task Sign_in_attempts_from_one_address_on_both_nodes_count_against_one_limit()
    {
        await using var nodes = await ClusterNodes.StartAsync(Ct, new Dictionary<string, string?>
        {
            ["Identity:Clients:0:ClientId"] = IdentityTestServer.ClientId,
            ["Identity:Clients:0:RedirectUris:0"] = IdentityTestServer.RedirectUri,
            ["Identity:Clients:0:PostLogoutRedirectUris:0"] = IdentityTestServer.PostLogoutRedirectUri,
            ["Identity:SignInAttemptsPerMinute"] = "4",
        });
        using var on1 = new AccountBrowser(nodes.Node1);
        using var on2 = new AccountBrowser(nodes.Node2);
        var wrong = new Dictionary<string, string> { ["Email"] = "nobody@example.com", ["Password"] = "not-the-password" };

        var attempts = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            attempts.Add((await (i % 2 == 0 ? on1 : on2).SubmitAsync("/account/signin", wrong, Ct)).Status);
        }

        var fifthOn1 = await on1.SubmitAsync("/account/signin", wrong, Ct);
        var fifthOn2 = await on2.SubmitAsync("/account/signin", wrong, Ct);

        // Two attempts per node: each node alone is under the limit of 4; together they reach it.
        Assert.Equal(Enumerable.Repeat(HttpStatusCode.OK, 4), attempts);
        Assert.Equal(HttpStatusCode.TooManyRequests, fifthOn1.Status);
        Assert.Equal(HttpStatusCode.TooManyRequests, fifthOn2.Status);
    }

    [Fact]
    public async Task Smtp_messages_from_one_address_are_counted_across_both_nodes()
    {
        // One clock for both nodes, in the middle of a minute: the one-minute window cannot roll over during the test.
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 7, 5, 0, 30, TimeSpan.Zero));
        await using var nodes = await ClusterNodes.StartAsync(Ct, new Dictionary<string, string?> { ["Ingest:MaxMessagesPerIpPerMinute"] = "4" }, s => s.AddSingleton<TimeProvider>(clock));

        var accepted = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            accepted.Add(await MailFromAsync(i % 2 == 0 ? nodes.Node1 : nodes.Node2));
        }

        var fifthOn1 = await MailFromAsync(nodes.Node1);
        var fifthOn2 = await MailFromAsync(nodes.Node2);
        clock.Advance(TimeSpan.FromMinutes(1));
        var nextMinute = await MailFromAsync(nodes.Node2);

        Assert.All(accepted, reply => Assert.StartsWith("250", reply, StringComparison.Ordinal));
        Assert.Equal("450 4.7.1 Too many messages; try again later", fifthOn1);
        Assert.Equal("450 4.7.1 Too many messages; try again later", fifthOn2);
        Assert.StartsWith("250", nextMinute, StringComparison.Ordinal);
    }

    private static async Task<string> MailFromAsync(RunningVigil node)
    {
        await using var smtp = await SmtpScript.ConnectAsync(node.Smtp, Ct);
        Assert.StartsWith("250", await smtp.SendAsync("EHLO camera.example", Ct), StringComparison.Ordinal);
        return await smtp.SendAsync("MAIL FROM:<camera@example.com>", Ct);
    }
}
