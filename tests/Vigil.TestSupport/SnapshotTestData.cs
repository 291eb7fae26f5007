using Vigil.Server.Features.Cameras;
using Vigil.Server.Features.Events;
using Vigil.Server.Features.Identity;
using Vigil.Server.Features.Notifications;
using Vigil.Server.Storage;

namespace Vigil.TestSupport;

/// <summary>Cameras, rules and queries against a running test server's services.</summary>
internal static class SnapshotTestData
{
    /// <summary>The id of the account with this e-mail address, created (as <c>vigil user add</c> does) when there is none yet.</summary>
    public static async Task<Guid> AccountAsync(IServiceProvider services, string email, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        if (await scope.ServiceProvider.GetRequiredService<IUserDirectory>().FindByEmailAsync(email, cancellationToken) is { } existing)
        {
            return existing.Id;
        }

        var (created, _) = await scope.ServiceProvider.GetRequiredService<UserAccounts>().CreateWithTemporaryPasswordAsync(email, admin: false, temporaryPassword: null, cancellationToken);
        return created.Id;
    }

    /// <summary>A camera of the account <paramref name="owner"/> (an e-mail address; the account is created if needed).</summary>
    public static async Task<CameraCredentials> AddCameraAsync(IServiceProvider services, string owner, string name, CancellationToken cancellationToken)
    {
        var ownerId = await AccountAsync(services, owner, cancellationToken);
        await using var scope = services.CreateAsyncScope();
        var added = await scope.ServiceProvider.GetRequiredService<SnapshotCameraDirectory>().AddAsync(ownerId, name, cancellationToken);
        return added.Value ?? throw new InvalidOperationException($"The camera was refused: {added.Outcome} {added.Problem}");
    }

    /// <summary>A rule that must be accepted (a refusal fails the test with its reason).</summary>
    public static async Task<NotificationRule> AddRuleAsync(IServiceProvider services, RuleSpecification rule, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var added = await scope.ServiceProvider.GetRequiredService<RuleDirectory>().AddAsync(rule, cancellationToken);
        return added.Rule ?? throw new InvalidOperationException($"The rule was refused: {added.Problem}");
    }

    public static async Task<IReadOnlyList<EventView>> EventsAsync(IServiceProvider services, CancellationToken cancellationToken, EventFilter? filter = null)
    {
        await using var scope = services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<EventQuery>().ListAsync(filter ?? new EventFilter(Limit: EventFilter.MaxLimit), cancellationToken)).Events;
    }

    public static async Task<IReadOnlyList<EventView>> WaitForEventsAsync(IServiceProvider services, int count, CancellationToken cancellationToken) =>
        await Eventually.WaitAsync(
            async () => await EventsAsync(services, cancellationToken) is { } events && events.Count >= count ? events : null,
            TimeSpan.FromSeconds(60),
            $"{count} event(s) stored",
            cancellationToken);

    public static async Task<List<NotificationDelivery>> DeliveriesAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
        return await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(
            System.Linq.Queryable.OrderBy(db.NotificationDeliveries, d => d.Id), cancellationToken);
    }
}
