using System.Net;
using System.Net.Http.Headers;
using Vigil.Server.Features.Notifications;
using Vigil.TestSupport;

namespace Vigil.Server.Tests.Features.Events;

/// <summary>
/// A burst from one camera: its pictures are prepared by several workers at once and committed in
/// batches, yet the events are stored in the order the camera's uploads were accepted, each
/// exactly once, and a notification cooldown sees the events before it in the same batch.
/// </summary>
public sealed class EventOrderTests
{
    private const int Uploads = 16;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("Postgres")]
    public async Task A_burst_is_stored_in_acceptance_order_once_each_and_the_cooldown_holds_within_a_batch(string provider)
    {
        await using var vigil = await RunningVigil.StartAsync(provider, SnapshotAssets.ServerSettings(new Dictionary<string, string?>
        {
            ["Ingest:MaxMessagesPerCameraPerMinute"] = "1000",
        }), cancellationToken: Ct);
        var camera = await SnapshotTestData.AddCameraAsync(vigil.App.Services, "burst@example.com", "Porch", Ct);
        await SnapshotTestData.AddRuleAsync(vigil.App.Services, new RuleSpecification(camera.Camera.OwnerId, null, [], ["Person"], 0.5, null, null, null, EmailOwner: true), Ct);
        var person = await File.ReadAllBytesAsync(SnapshotAssets.Picture("person.jpg"), Ct);
        using var client = vigil.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", camera.UploadToken);

        // One after the other: each 202 comes once the upload is spooled, long before its event is
        // processed, so a backlog builds up and the workers prepare several events at once.
        for (var i = 0; i < Uploads; i++)
        {
            using var content = new ByteArrayContent(person);
            content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
            using var response = await client.PostAsync("/api/ingest/snapshot", content, Ct);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        var events = (await SnapshotTestData.WaitForEventsAsync(vigil.App.Services, Uploads, Ct)).OrderBy(e => e.Id).ToList();
        Assert.Equal(Uploads, events.Count);
        var occurred = events.Select(e => e.OccurredAt).ToList();
        Assert.Equal(occurred.Order(), occurred); // ids (storage order) follow acceptance
        Assert.All(events, e => Assert.Contains(e.Detections, d => d.Label == "Person"));

        // The first event notifies; every later one is within the cooldown of the first, even those
        // committed in the same transaction as it.
        var deliveries = await SnapshotTestData.DeliveriesAsync(vigil.App.Services, Ct);
        Assert.Equal(Uploads, deliveries.Count);
        var first = events[0].Id;
        var byEvent = deliveries.ToDictionary(d => d.EventKey);
        var keys = await EventKeysAsync(vigil, Ct);
        Assert.NotEqual(DeliveryStatus.Suppressed, byEvent[keys[first]].Status);
        Assert.All(events.Skip(1), e => Assert.StartsWith("cooldown", byEvent[keys[e.Id]].Reason, StringComparison.Ordinal));
    }

    private static async Task<Dictionary<long, Guid>> EventKeysAsync(RunningVigil vigil, CancellationToken cancellationToken)
    {
        await using var scope = vigil.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Vigil.Server.Storage.VigilDbContext>();
        return await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToDictionaryAsync(db.Events, e => e.Id, e => e.Key, cancellationToken);
    }
}
