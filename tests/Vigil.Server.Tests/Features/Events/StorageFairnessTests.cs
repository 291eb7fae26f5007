using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Vigil.Server.Features.Cameras;
using Vigil.Server.Features.Events;
using Vigil.Server.Storage;
using Vigil.TestSupport;

namespace Vigil.Server.Tests.Features.Events;

/// <summary>One owner cannot push other owners' events out: per-owner quotas in retention and at ingest, and a cap on snapshot cameras.</summary>
public sealed class StorageFairnessTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(StorageProviders.All), MemberType = typeof(StorageProviders))]
    public async Task The_global_limit_deletes_the_over_quota_owners_oldest_not_another_owners(string provider)
    {
        await using var vigil = await TestVigil.StartAsync(provider, new Dictionary<string, string?> { ["Events:RetentionDays"] = "0", ["Events:MaxStorageBytes"] = "4000" }, Ct);
        var (quiet, busy) = (Guid.CreateVersion7(), Guid.CreateVersion7());

        // The quiet owner's two events are the oldest of all; the busy owner then fills the store.
        await AddEventsAsync(vigil, [.. Enumerable.Range(0, 2).Select(i => Event(quiet, Start.AddDays(i))), .. Enumerable.Range(0, 6).Select(i => Event(busy, Start.AddDays(10 + i)))]);

        var result = await PruneAsync(vigil);

        // Fair share: 4000 / 2 owners. The busy owner keeps their newest two; the quiet owner loses nothing.
        Assert.Equal(4, result.RemovedForSpace);
        Assert.Equal(2, await CountAsync(vigil, quiet));
        Assert.Equal([15, 14], await DaysAsync(vigil, busy));
    }

    [Theory]
    [MemberData(nameof(StorageProviders.All), MemberType = typeof(StorageProviders))]
    public async Task An_explicit_per_owner_quota_applies_without_a_global_limit(string provider)
    {
        await using var vigil = await TestVigil.StartAsync(provider, new Dictionary<string, string?>
        {
            ["Events:RetentionDays"] = "0",
            ["Events:MaxStorageBytes"] = "0",
            ["Events:MaxStorageBytesPerOwner"] = "1500",
        }, Ct);
        var (small, large) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        await AddEventsAsync(vigil, [Event(small, Start), .. Enumerable.Range(0, 3).Select(i => Event(large, Start.AddDays(1 + i)))]);

        await PruneAsync(vigil);

        Assert.Equal(1, await CountAsync(vigil, small));
        Assert.Equal([3], await DaysAsync(vigil, large));
    }

    [Fact]
    public async Task Ingest_for_an_owner_far_over_quota_is_refused_for_now_and_retention_catches_up()
    {
        await using var vigil = await RunningVigil.StartAsync("Sqlite", SnapshotAssets.ServerSettings(new Dictionary<string, string?> { ["Events:MaxStorageBytes"] = "1000000" }), cancellationToken: Ct);
        var flooder = await SnapshotTestData.AddCameraAsync(vigil.App.Services, "flood@example.com", "Busy street", Ct);
        var neighbour = await SnapshotTestData.AddCameraAsync(vigil.App.Services, "quiet@example.com", "Garden", Ct);
        await using (var scope = vigil.App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
            db.Events.AddRange(Enumerable.Range(0, 4).Select(i => Event(flooder.Camera.OwnerId, Start.AddDays(i), storedBytes: 300_000)));
            await db.SaveChangesAsync(Ct);
        }

        var picture = CameraMail.With(("dog.jpg", "image/jpeg", await File.ReadAllBytesAsync(SnapshotAssets.Picture("dog.jpg"), Ct)));
        var accepted = await SmtpScript.SendMessageAsync(vigil.Smtp, neighbour.IngestAddress, picture, Ct);
        var refused = await SmtpScript.SendMessageAsync(vigil.Smtp, flooder.IngestAddress, picture, Ct);

        Assert.StartsWith("250", accepted, StringComparison.Ordinal);
        Assert.StartsWith("452 4.2.2", refused, StringComparison.Ordinal); // temporary: the camera sends it again later
        Assert.Contains("storage quota", refused, StringComparison.Ordinal);

        // The refusal woke retention: the flooder's oldest go until they fit their half.
        await Eventually.WaitAsync(
            async () =>
            {
                await using var scope = vigil.App.Services.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
                return await db.Events.Where(e => e.OwnerId == flooder.Camera.OwnerId).SumAsync(e => e.StoredBytes, Ct) <= 500_000;
            },
            TimeSpan.FromSeconds(30),
            "the flooder's events pruned to their quota",
            Ct);
        Assert.StartsWith("250", await SmtpScript.SendMessageAsync(vigil.Smtp, flooder.IngestAddress, picture, Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_owner_cannot_add_more_snapshot_cameras_than_the_cap()
    {
        await using var vigil = await TestVigil.StartAsync("Sqlite", new Dictionary<string, string?> { ["Cameras:MaxSnapshotCamerasPerOwner"] = "2" }, Ct);
        var owner = await SnapshotTestData.AccountAsync(vigil.Services, "many@example.com", Ct);

        var results = new List<CameraResult<CameraCredentials>>();
        foreach (var name in new[] { "One", "Two", "Three" })
        {
            results.Add(await vigil.InScopeAsync<SnapshotCameraDirectory, CameraResult<CameraCredentials>>(d => d.AddAsync(owner, name, Ct)));
        }

        Assert.Equal([CameraOutcome.Done, CameraOutcome.Done, CameraOutcome.LimitReached], results.Select(r => r.Outcome));
        Assert.Contains("Cameras:MaxSnapshotCamerasPerOwner", results[2].Problem, StringComparison.Ordinal);
    }

    private static Task<PruneResult> PruneAsync(TestVigil vigil) =>
        vigil.InScopeAsync<VigilDbContext, PruneResult>(db => new EventPruner(
            db,
            vigil.Services.GetRequiredService<PictureStore>(),
            vigil.Services.GetRequiredService<IOptions<EventsOptions>>(),
            TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<EventPruner>.Instance).PruneAsync(Ct));

    private static Task<int> CountAsync(TestVigil vigil, Guid owner) =>
        vigil.InScopeAsync<VigilDbContext, int>(db => db.Events.CountAsync(e => e.OwnerId == owner, Ct));

    private static Task<List<int>> DaysAsync(TestVigil vigil, Guid owner) =>
        vigil.InScopeAsync<VigilDbContext, List<int>>(async db =>
            (await db.Events.Where(e => e.OwnerId == owner).Select(e => e.OccurredAt).ToListAsync(Ct)).Select(at => (int)(at - Start).TotalDays).OrderDescending().ToList());

    private static SnapshotEvent Event(Guid owner, DateTimeOffset at, long storedBytes = 1000) => new()
    {
        Key = Guid.CreateVersion7(),
        CameraId = Guid.CreateVersion7(),
        CameraName = "Porch",
        OwnerId = owner,
        OccurredAt = at,
        Source = "Smtp",
        DetectionAvailable = true,
        Labels = "",
        StoredBytes = storedBytes,
    };

    private static Task<int> AddEventsAsync(TestVigil vigil, IEnumerable<SnapshotEvent> events) =>
        vigil.InScopeAsync<VigilDbContext, int>(db =>
        {
            db.Events.AddRange(events);
            return db.SaveChangesAsync(Ct);
        });
}
