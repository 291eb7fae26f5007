using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Vigil.Server.Features.Notifications;
using Vigil.TestSupport;

namespace Vigil.Server.Tests.Features.Notifications;

/// <summary>Webhook notifications reach a real HTTP server (Python's http.server), signed, and are retried with backoff after errors.</summary>
public sealed class WebhookNotificationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_webhook_notification_is_signed_and_retried_after_errors_until_it_succeeds()
    {
        await using var receiver = await WebhookReceiver.StartAsync(fails: 2, Ct);
        await using var vigil = await RunningVigil.StartAsync(
            "Sqlite",
            SnapshotAssets.ServerSettings(new Dictionary<string, string?> { ["Notifications:RetryDelay"] = "00:00:00.200", ["Notifications:AllowLoopbackWebhookTargets"] = "true" }),
            cancellationToken: Ct);
        var camera = await SnapshotTestData.AddCameraAsync(vigil.App.Services, "frank@example.com", "Drive", Ct);
        var rule = await SnapshotTestData.AddRuleAsync(vigil.App.Services, new RuleSpecification(camera.Camera.OwnerId, null, [], ["Dog"], 0.5, null, null, $"http://127.0.0.1:{receiver.Port}/hook"), Ct);

        var reply = await SmtpScript.SendMessageAsync(vigil.Smtp, camera.IngestAddress, CameraMail.With(("dog.jpg", "image/jpeg", await File.ReadAllBytesAsync(SnapshotAssets.Picture("dog.jpg"), Ct))), Ct);
        Assert.StartsWith("250", reply, StringComparison.Ordinal);

        var attempts = new List<JsonElement>();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        while (attempts.Count < 3)
        {
            attempts.Add(await receiver.Posts.ReadAsync(timeout.Token));
        }

        Assert.Equal([500, 500, 200], attempts.Select(a => a.GetProperty("status").GetInt32()));
        var last = attempts[^1];
        var body = last.GetProperty("body").GetString()!;
        var headers = last.GetProperty("headers");
        var timestamp = headers.GetProperty("X-Vigil-Timestamp").GetString()!;
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(rule.WebhookSecret!), Encoding.UTF8.GetBytes(timestamp + "." + body)));
        Assert.Equal(expected, headers.GetProperty("X-Vigil-Signature").GetString());
        var json = JsonDocument.Parse(body).RootElement;
        Assert.Equal("Drive", json.GetProperty("camera").GetString());
        Assert.Contains(json.GetProperty("labels").EnumerateArray(), l => l.GetProperty("label").GetString() == "Dog");

        await Eventually.WaitAsync(
            async () => (await SnapshotTestData.DeliveriesAsync(vigil.App.Services, Ct)) is [{ Status: DeliveryStatus.Sent, Attempts: 3 }],
            TimeSpan.FromSeconds(10),
            "the delivery recorded as sent after 3 attempts",
            Ct);
    }
}
