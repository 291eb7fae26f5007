using Microsoft.Extensions.Time.Testing;
using Vigil.Server.Features.Events;
using Vigil.Server.Storage;
using Vigil.TestSupport;

namespace Vigil.Server.Tests.Features.Events;

/// <summary>The event queries behind <c>vigil events list</c> and <c>GET /api/events</c>, and retention.</summary>
public sealed class EventQueryTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly Guid Eve = Guid.CreateVersion7();
    private static readonly Guid Mallory = Guid.CreateVersion7();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(StorageProviders.All), MemberType = typeof(StorageProviders))]
    public async Task Listing_filters_by_owner_camera_label_and_time_and_pages_newest_first(string provider)
    {
        await using var vigil = await TestVigil.StartAsync(provider, cancellationToken: Ct);
        var porch = Guid.CreateVersion7();
        await AddEventsAsync(vigil, Enumerable.Range(0, 7).Select(i => Event(i % 2 == 0 ? Eve : Mallory, porch, Start.AddHours(i), i % 3 == 0 ? "Person" : "Car")));

        var eves = await ListAsync(vigil, new EventFilter(OwnerId: Eve, Limit: 2));
        var next = await ListAsync(vigil, new EventFilter(OwnerId: Eve, Before: eves.NextBefore, Limit: 2));
        var people = await ListAsync(vigil, new EventFilter(Label: "person"));
        var window = await ListAsync(vigil, new EventFilter(From: Start.AddHours(2), To: Start.AddHours(4)));

        Assert.Equal([Start.AddHours(6), Start.AddHours(4)], eves.Events.Select(e => e.OccurredAt));
        Assert.NotNull(eves.NextBefore);
        Assert.Equal([Start.AddHours(2), Start], next.Events.Select(e => e.OccurredAt));
        Assert.Null(next.NextBefore);
        Assert.Equal([6, 3, 0], people.Events.Select(e => (int)(e.OccurredAt - Start).TotalHours));
        Assert.Equal([3, 2], window.Events.Select(e => (int)(e.OccurredAt - Start).TotalHours));
        Assert.All(eves.Events, e => Assert.Equal(Eve, e.OwnerId));
    }

    [Fact]
    public async Task A_picture_is_found_only_for_its_owner_and_only_inside_the_events_directory()
    {
        await using var vigil = await TestVigil.StartAsync("Sqlite", cancellationToken: Ct);
        var store = vigil.Services.GetRequiredService<PictureStore>();
        var directory = store.DirectoryFor(Guid.CreateVersion7(), Start);
        var path = await store.WriteAsync(directory, "0.jpg", SnapshotPictures.Jpeg(64, 48), durable: true, Ct);
        var e = Event(Eve, Guid.CreateVersion7(), Start, "Dog");
        e.Pictures.Add(new EventPicture { Index = 0, ContentType = "image/jpeg", Path = path, Width = 64, Height = 48, AnnotatedPath = "../../../etc/passwd" });
        await AddEventsAsync(vigil, [e]);

        var own = await vigil.InScopeAsync<EventQuery, PictureFile?>(q => q.GetPictureAsync(Eve, e.Id, 0, PictureVariant.Original, Ct));
        var others = await vigil.InScopeAsync<EventQuery, PictureFile?>(q => q.GetPictureAsync(Mallory, e.Id, 0, PictureVariant.Original, Ct));
        var escape = await vigil.InScopeAsync<EventQuery, PictureFile?>(q => q.GetPictureAsync(Eve, e.Id, 0, PictureVariant.Annotated, Ct));

        Assert.True(File.Exists(own!.Path));
        Assert.Null(others);
        // The stored path is not followed; the annotated copy is made again inside the event's directory.
        Assert.Equal(Path.Combine(Path.GetDirectoryName(own.Path)!, "0.annotated.jpg"), escape?.Path);
    }

    [Theory]
    [MemberData(nameof(StorageProviders.All), MemberType = typeof(StorageProviders))]
    public async Task Retention_deletes_events_past_their_age_then_the_oldest_until_they_fit(string provider)
    {
        await using var vigil = await TestVigil.StartAsync(provider, new Dictionary<string, string?> { ["Events:RetentionDays"] = "10", ["Events:MaxStorageBytes"] = "3000" }, Ct);
        var camera = Guid.CreateVersion7();
        await AddEventsAsync(vigil, Enumerable.Range(0, 8).Select(i => Event(Eve, camera, Start.AddDays(i * 2), "Person", storedBytes: 1000)));
        var now = new FakeTimeProvider(Start.AddDays(15));

        var result = await vigil.InScopeAsync<VigilDbContext, PruneResult>(db => new EventPruner(
            db,
            vigil.Services.GetRequiredService<PictureStore>(),
            vigil.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<EventsOptions>>(),
            now,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<EventPruner>.Instance).PruneAsync(Ct));

        // Days 0, 2 and 4 are older than 10 days; of days 6..14, only the newest three fit in 3000 bytes.
        Assert.Equal((3, 2), (result.ExpiredByAge, result.RemovedForSpace));
        var left = await ListAsync(vigil, new EventFilter());
        Assert.Equal([14, 12, 10], left.Events.Select(e => (int)(e.OccurredAt - Start).TotalDays));
    }

    private static SnapshotEvent Event(Guid owner, Guid camera, DateTimeOffset at, string label, long storedBytes = 0) => new()
    {
        Key = Guid.CreateVersion7(),
        CameraId = camera,
        CameraName = "Porch",
        OwnerId = owner,
        OccurredAt = at,
        Source = "Smtp",
        DetectionAvailable = true,
        Labels = label,
        StoredBytes = storedBytes,
        Detections = [new EventDetection { PictureIndex = 0, Label = label, Confidence = 0.9f, X = 1, Y = 2, Width = 3, Height = 4 }],
    };

    private static Task<int> AddEventsAsync(TestVigil vigil, IEnumerable<SnapshotEvent> events) =>
        vigil.InScopeAsync<VigilDbContext, int>(db =>
        {
            db.Events.AddRange(events);
            return db.SaveChangesAsync(Ct);
        });

    private static Task<EventPage> ListAsync(TestVigil vigil, EventFilter filter) =>
        vigil.InScopeAsync<EventQuery, EventPage>(q => q.ListAsync(filter, Ct));
}
