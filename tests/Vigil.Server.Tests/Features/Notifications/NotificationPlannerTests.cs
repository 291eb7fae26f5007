using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Vigil.Server.Features.Events;
using Vigil.Server.Features.Notifications;
using Vigil.Server.Storage;
using Vigil.TestSupport;

namespace Vigil.Server.Tests.Features.Notifications;

/// <summary>Which rules fire and which notifications are suppressed, and why (on SQLite and PostgreSQL).</summary>
public sealed class NotificationPlannerTests
{
    private static readonly Guid Camera = Guid.CreateVersion7();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(StorageProviders.All), MemberType = typeof(StorageProviders))]
    public async Task The_cooldown_counts_only_notifications_actually_sent_and_expires(string provider)
    {
        await using var vigil = await TestVigil.StartAsync(provider, cancellationToken: Ct);
        var eve = await SnapshotTestData.AccountAsync(vigil.Services, "eve@example.com", Ct);
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));
        await SnapshotTestData.AddRuleAsync(vigil.Services, new RuleSpecification(eve, null, [], ["Person"], 0.5, null, "eve@example.com", null), Ct);

        var first = await PlanAsync(vigil, time, Event(eve, ("Person", 0.9f)));
        time.Advance(TimeSpan.FromMinutes(1));
        var second = await PlanAsync(vigil, time, Event(eve, ("Person", 0.8f)));
        time.Advance(TimeSpan.FromMinutes(1));
        var third = await PlanAsync(vigil, time, Event(eve, ("Person", 0.8f)));
        time.Advance(TimeSpan.FromMinutes(4)); // 6 min after the one sent: the cooldown (5 min) is over, suppressed ones did not extend it
        var fourth = await PlanAsync(vigil, time, Event(eve, ("Person", 0.8f)));

        Assert.Equal(DeliveryStatus.Pending, Assert.Single(first).Status);
        Assert.Equal(DeliveryStatus.Suppressed, Assert.Single(second).Status);
        Assert.StartsWith("cooldown", second[0].Reason, StringComparison.Ordinal);
        Assert.Equal(DeliveryStatus.Suppressed, Assert.Single(third).Status);
        Assert.Equal(DeliveryStatus.Pending, Assert.Single(fourth).Status);
    }

    [Theory]
    [MemberData(nameof(StorageProviders.All), MemberType = typeof(StorageProviders))]
    public async Task The_hourly_cap_per_user_suppresses_with_its_reason(string provider)
    {
        await using var vigil = await TestVigil.StartAsync(provider, new Dictionary<string, string?> { ["Notifications:MaxPerUserPerHour"] = "2", ["Notifications:Cooldown"] = "00:00:00" }, Ct);
        var eve = await SnapshotTestData.AccountAsync(vigil.Services, "eve@example.com", Ct);
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));
        await SnapshotTestData.AddRuleAsync(vigil.Services, new RuleSpecification(eve, null, [], [], 0.5, null, "eve@example.com", null), Ct);

        var statuses = new List<DeliveryStatus>();
        for (var i = 0; i < 3; i++)
        {
            statuses.AddRange((await PlanAsync(vigil, time, Event(eve, ("Car", 0.9f)))).Select(d => d.Status));
            time.Advance(TimeSpan.FromMinutes(1));
        }

        time.Advance(TimeSpan.FromHours(1));
        statuses.AddRange((await PlanAsync(vigil, time, Event(eve, ("Car", 0.9f)))).Select(d => d.Status));

        Assert.Equal([DeliveryStatus.Pending, DeliveryStatus.Pending, DeliveryStatus.Suppressed, DeliveryStatus.Pending], statuses);
        var reasons = await vigil.InScopeAsync<VigilDbContext, List<string?>>(db => db.NotificationDeliveries.Where(d => d.Status == DeliveryStatus.Suppressed).Select(d => d.Reason).ToListAsync(Ct));
        Assert.StartsWith("hourly cap", Assert.Single(reasons), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_nodes_recording_events_of_one_owner_at_once_cannot_both_pass_the_hourly_cap()
    {
        // Two units of work on one PostgreSQL database, as two nodes of a cluster would run them: the first has planned
        // its notification but not committed when the second plans. Without a lock the second would count nothing
        // committed and send too; with it, it waits for the first's commit and is capped.
        await using var vigil = await TestVigil.StartAsync("Postgres", new Dictionary<string, string?> { ["Notifications:MaxPerUserPerHour"] = "1", ["Notifications:Cooldown"] = "00:00:00" }, Ct);
        var eve = await SnapshotTestData.AccountAsync(vigil.Services, "eve@example.com", Ct);
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));
        await SnapshotTestData.AddRuleAsync(vigil.Services, new RuleSpecification(eve, null, [], [], 0.5, null, "eve@example.com", null), Ct);
        var firstPlanned = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = Event(eve, ("Car", 0.9f));
        var second = Event(eve, ("Car", 0.9f));

        var onNode1 = Task.Run(async () =>
        {
            await using var unit = await PlanningUnit.BeginAsync(vigil, time, first);
            await unit.PlanAsync();
            firstPlanned.SetResult();
            await Task.Delay(TimeSpan.FromSeconds(1), Ct); // the second unit plans meanwhile
            await unit.CommitAsync();
        }, Ct);
        var onNode2 = Task.Run(async () =>
        {
            await firstPlanned.Task.WaitAsync(Ct);
            await using var unit = await PlanningUnit.BeginAsync(vigil, time, second);
            await unit.PlanAsync();
            await unit.CommitAsync();
        }, Ct);
        await Task.WhenAll(onNode1, onNode2);

        var deliveries = await vigil.InScopeAsync<VigilDbContext, List<NotificationDelivery>>(db => db.NotificationDeliveries.AsNoTracking().ToListAsync(Ct));
        Assert.Equal(DeliveryStatus.Pending, Assert.Single(deliveries, d => d.EventKey == first.Key).Status);
        var capped = Assert.Single(deliveries, d => d.EventKey == second.Key);
        Assert.Equal(DeliveryStatus.Suppressed, capped.Status);
        Assert.StartsWith("hourly cap", capped.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Quiet_hours_wrap_midnight_in_the_configured_time_zone()
    {
        await using var vigil = await TestVigil.StartAsync("Sqlite", new Dictionary<string, string?> { ["Notifications:TimeZone"] = "Europe/Paris" }, Ct);
        var eve = await SnapshotTestData.AccountAsync(vigil.Services, "eve@example.com", Ct);
        await SnapshotTestData.AddRuleAsync(vigil.Services, new RuleSpecification(eve, null, [], ["Person"], 0.5, "22:00-07:00", "eve@example.com", null), Ct);

        // 23:30 in Paris (UTC+1 in November) is quiet; 07:30 is not.
        var night = await PlanAsync(vigil, new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 22, 30, 0, TimeSpan.Zero)), Event(eve, ("Person", 0.9f)));
        var morning = await PlanAsync(vigil, new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 6, 30, 0, TimeSpan.Zero)), Event(eve, ("Person", 0.9f)));

        Assert.Equal("quiet hours 22:00-07:00", Assert.Single(night).Reason);
        Assert.Equal(DeliveryStatus.Pending, Assert.Single(morning).Status);
    }

    [Fact]
    public async Task Rules_match_only_their_labels_cameras_confidence_and_owner()
    {
        await using var vigil = await TestVigil.StartAsync("Sqlite", new Dictionary<string, string?> { ["Notifications:Cooldown"] = "00:00:00" }, Ct);
        var eve = await SnapshotTestData.AccountAsync(vigil.Services, "eve@example.com", Ct);
        var mallory = await SnapshotTestData.AccountAsync(vigil.Services, "mallory@example.com", Ct);
        var otherCamera = (await SnapshotTestData.AddCameraAsync(vigil.Services, "eve@example.com", "Garden", Ct)).Camera.Id;
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));
        await SnapshotTestData.AddRuleAsync(vigil.Services, new RuleSpecification(eve, null, [], ["Dog"], 0.6, null, "eve@example.com", "https://hooks.example/vigil"), Ct);
        await SnapshotTestData.AddRuleAsync(vigil.Services, new RuleSpecification(eve, null, [otherCamera], [], 0, null, "eve@example.com", null), Ct);
        await SnapshotTestData.AddRuleAsync(vigil.Services, new RuleSpecification(mallory, null, [], [], 0, null, "mallory@example.com", null), Ct);

        Assert.Empty(await PlanAsync(vigil, time, Event(eve, ("Dog", 0.55f))));
        Assert.Empty(await PlanAsync(vigil, time, Event(eve, ("Cat", 0.95f))));
        var dog = await PlanAsync(vigil, time, Event(eve, ("Dog", 0.7f), ("Person", 0.9f)));

        Assert.Equal(["Email", "Webhook"], dog.Select(d => d.Action).Order());
        Assert.All(dog, d => Assert.Equal(("Dog", eve), (d.Label, d.OwnerId)));
    }

    private static RecordedEvent Event(Guid owner, params (string Label, float Confidence)[] detections) => new(
        Guid.CreateVersion7(),
        Camera,
        "Hall",
        owner,
        DateTimeOffset.UnixEpoch,
        "Smtp",
        true,
        detections.Select(d => new RecordedDetection(d.Label, d.Confidence, 0, 1, 1, 10, 10)).ToList(),
        null);

    /// <summary>One unit of work as the snapshot processor runs it: a transaction, the unit's locks, the planning, the commit.</summary>
    private sealed class PlanningUnit : IAsyncDisposable
    {
        private readonly AsyncServiceScope _scope;
        private readonly VigilDbContext _db;
        private readonly NotificationPlanner _planner;
        private readonly RecordedEvent _recorded;
        private Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction? _transaction;

        private PlanningUnit(TestVigil vigil, TimeProvider time, RecordedEvent recorded)
        {
            _scope = vigil.Services.CreateAsyncScope();
            _db = _scope.ServiceProvider.GetRequiredService<VigilDbContext>();
            _planner = new NotificationPlanner(_db, new NotificationSignal(), _scope.ServiceProvider.GetRequiredService<NotificationMetrics>(), _scope.ServiceProvider.GetRequiredService<IOptions<NotificationsOptions>>(), time, NullLogger<NotificationPlanner>.Instance);
            _recorded = recorded;
        }

        public static async Task<PlanningUnit> BeginAsync(TestVigil vigil, TimeProvider time, RecordedEvent recorded)
        {
            var unit = new PlanningUnit(vigil, time, recorded);
            unit._transaction = await unit._db.Database.BeginTransactionAsync(Ct);
            return unit;
        }

        public async Task PlanAsync()
        {
            await _planner.OnUnitStartingAsync([_recorded], Ct);
            await _planner.OnRecordingAsync(_recorded, Ct);
            await _db.SaveChangesAsync(Ct);
        }

        public Task CommitAsync() => _transaction!.CommitAsync(Ct);

        public async ValueTask DisposeAsync()
        {
            if (_transaction is not null)
            {
                await _transaction.DisposeAsync();
            }

            await _scope.DisposeAsync();
        }
    }

    private static async Task<List<NotificationDelivery>> PlanAsync(TestVigil vigil, TimeProvider time, RecordedEvent recorded)
    {
        await using var scope = vigil.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
        var planner = new NotificationPlanner(db, new NotificationSignal(), scope.ServiceProvider.GetRequiredService<NotificationMetrics>(), scope.ServiceProvider.GetRequiredService<IOptions<NotificationsOptions>>(), time, NullLogger<NotificationPlanner>.Instance);
        await planner.OnRecordingAsync(recorded, Ct);
        await db.SaveChangesAsync(Ct);
        return await db.NotificationDeliveries.AsNoTracking().Where(d => d.EventKey == recorded.Key).ToListAsync(Ct);
    }
}
