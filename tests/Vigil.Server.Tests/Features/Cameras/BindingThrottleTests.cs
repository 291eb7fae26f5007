using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Vigil.Server.Features.Cameras;
using Vigil.Server.Storage;
using Vigil.Server.Tests.Support;

namespace Vigil.Server.Tests.Features.Cameras;

/// <summary>The sliding windows behind the bind limits, on the real database, with a fake clock.</summary>
public sealed class BindingThrottleTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(StorageProviders.All), MemberType = typeof(StorageProviders))]
    public async Task The_serial_limit_starts_at_the_limit_says_how_long_and_ends_when_the_oldest_failure_leaves_the_window(string provider)
    {
        await using var vigil = await TestVigil.StartAsync(provider, cancellationToken: Ct);
        await using var scope = vigil.Services.CreateAsyncScope();
        var time = new FakeTimeProvider(Start);
        var throttle = new BindingThrottle(scope.ServiceProvider.GetRequiredService<VigilDbContext>(), Options.Create(new CamerasOptions()), time);
        var (mallory, trudy, owner) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());

        // Five failures from two accounts, a minute apart.
        foreach (var account in new[] { mallory, trudy, mallory, trudy, mallory })
        {
            Assert.Null(await throttle.RetryAfterAsync(account, "CAM-1", Ct));
            await throttle.RecordFailureAsync(account, "CAM-1", "192.0.2.1", Ct);
            time.Advance(TimeSpan.FromMinutes(1));
        }

        // Now 5 minutes after the first: it leaves the 15-minute window in 10 minutes.
        Assert.Equal(TimeSpan.FromMinutes(10), await throttle.RetryAfterAsync(owner, "CAM-1", Ct));
        Assert.Null(await throttle.RetryAfterAsync(owner, "CAM-2", Ct));
        time.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromSeconds(1));
        Assert.Equal(TimeSpan.FromSeconds(1), await throttle.RetryAfterAsync(owner, "CAM-1", Ct));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(await throttle.RetryAfterAsync(owner, "CAM-1", Ct));
    }

    [Theory]
    [MemberData(nameof(StorageProviders.All), MemberType = typeof(StorageProviders))]
    public async Task The_account_limit_counts_every_serial_and_old_failures_are_deleted(string provider)
    {
        await using var vigil = await TestVigil.StartAsync(provider, cancellationToken: Ct);
        await using var scope = vigil.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
        var time = new FakeTimeProvider(Start);
        var throttle = new BindingThrottle(db, Options.Create(new CamerasOptions()), time);
        var mallory = Guid.NewGuid();

        for (var i = 0; i < 20; i++)
        {
            await throttle.RecordFailureAsync(mallory, $"CAM-{i}", null, Ct);
        }

        Assert.Equal(TimeSpan.FromHours(1), await throttle.RetryAfterAsync(mallory, "CAM-NEW", Ct));
        Assert.Null(await throttle.RetryAfterAsync(Guid.NewGuid(), "CAM-NEW", Ct));

        time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        await throttle.RecordFailureAsync(mallory, "CAM-LAST", null, Ct);
        Assert.Null(await throttle.RetryAfterAsync(mallory, "CAM-NEW", Ct));
        Assert.Equal(1, db.Set<BindingFailure>().Count());
    }
}
