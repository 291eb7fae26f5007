using System.Net;
using System.Net.Http.Headers;
using Vigil.Server.Features.Notifications;
using Vigil.Server.Features.Vision;
using Vigil.TestSupport;

namespace Vigil.Server.Tests.Features.Events;

/// <summary>Without a model, events are still stored (marked "detection unavailable") and label-free rules still notify.</summary>
public sealed class DetectionUnavailableTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Pictures_become_events_without_detections_when_the_model_cannot_be_loaded()
    {
        using var nowhere = new TempDirectory();
        await using var vigil = await RunningVigil.StartAsync("Sqlite", new Dictionary<string, string?> { ["Vision:ModelPath"] = nowhere.File("missing.onnx"), ["Notifications:AllowLoopbackWebhookTargets"] = "true", ["Server:RequireHttps"] = "false" }, cancellationToken: Ct);
        var camera = await SnapshotTestData.AddCameraAsync(vigil.App.Services, "hal@example.com", "Shed", Ct);
        await SnapshotTestData.AddRuleAsync(vigil.App.Services, new RuleSpecification(camera.Camera.OwnerId, "Anything", [], [], 0.5, null, null, "http://127.0.0.1:9/unused"), Ct);
        using var client = new HttpClient { BaseAddress = vigil.Http };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/ingest/snapshot")
        {
            Content = new ByteArrayContent(await File.ReadAllBytesAsync(SnapshotAssets.Picture("person.jpg"), Ct)) { Headers = { ContentType = new MediaTypeHeaderValue("image/jpeg") } },
            Headers = { Authorization = new AuthenticationHeaderValue("Bearer", camera.UploadToken) },
        };

        Assert.Equal(HttpStatusCode.Accepted, (await client.SendAsync(request, Ct)).StatusCode);

        var stored = Assert.Single(await SnapshotTestData.WaitForEventsAsync(vigil.App.Services, 1, Ct));
        Assert.False(stored.DetectionAvailable);
        Assert.Contains("Vision:ModelPath", stored.DetectionProblem, StringComparison.Ordinal);
        Assert.Empty(stored.Detections);
        Assert.True(Assert.Single(stored.Pictures).HasThumbnail);
        Assert.Equal(DetectorState.Unavailable, vigil.App.Services.GetRequiredService<ObjectDetector>().State);
        var delivery = Assert.Single(await SnapshotTestData.DeliveriesAsync(vigil.App.Services, Ct));
        Assert.Equal("", delivery.Label);
    }
}
