using Vigil.Server.Features.Notifications;
using Vigil.TestSupport;

namespace Vigil.Server.Tests.Features.Notifications;

/// <summary>The rule directory behind <c>vigil rules</c> and <c>/api/rules</c>: validation and owner scoping.</summary>
public sealed class RuleDirectoryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("a@b.c", "Unicorn", 0.5, null, "a@b.c", null, "label")]
    [InlineData("a@b.c", "Person", 1.5, null, "a@b.c", null, "min-confidence")]
    [InlineData("a@b.c", "Person", 0.5, "25:00-07:00", "a@b.c", null, "quiet hours")]
    [InlineData("a@b.c", "Person", 0.5, null, null, "ftp://x", "webhook")]
    [InlineData("a@b.c", "Person", 0.5, null, null, null, "action")]
    public async Task Invalid_rules_are_refused_naming_the_field(string owner, string label, double confidence, string? quiet, string? email, string? webhook, string field)
    {
        await using var vigil = await TestVigil.StartAsync("Sqlite", cancellationToken: Ct);
        var ownerId = await SnapshotTestData.AccountAsync(vigil.Services, owner, Ct);

        var refused = await vigil.InScopeAsync<RuleDirectory, RuleResult>(r =>
            r.AddAsync(new RuleSpecification(ownerId, null, [], [label], confidence, quiet, email, webhook), Ct));

        Assert.Equal(RuleOutcome.Invalid, refused.Outcome);
        Assert.Contains(field, refused.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(StorageProviders.All), MemberType = typeof(StorageProviders))]
    public async Task An_owner_sees_changes_and_deletes_only_their_own_rules(string provider)
    {
        await using var vigil = await TestVigil.StartAsync(provider, cancellationToken: Ct);
        var eve = await SnapshotTestData.AccountAsync(vigil.Services, "eve@example.com", Ct);
        var mallory = await SnapshotTestData.AccountAsync(vigil.Services, "mallory@example.com", Ct);
        var eves = await SnapshotTestData.AddRuleAsync(vigil.Services, new RuleSpecification(eve, null, [], ["person"], 0.5, null, null, "https://hooks.example/eve"), Ct);
        var mallorys = await SnapshotTestData.AddRuleAsync(vigil.Services, new RuleSpecification(mallory, "Mine", [], [], 0.5, null, "mallory@example.com", null), Ct);

        Assert.Equal(eve, eves.OwnerId);
        Assert.Equal("Person", eves.Labels);
        Assert.Equal(26, eves.WebhookSecret?.Length);
        Assert.Equal([eves.Id], (await vigil.InScopeAsync<RuleDirectory, IReadOnlyList<NotificationRule>>(r => r.ListAsync(eve, Ct))).Select(r => r.Id));
        Assert.Null(await vigil.InScopeAsync<RuleDirectory, NotificationRule?>(r => r.FindAsync(mallorys.Id, eve, Ct)));
        Assert.Equal(RuleOutcome.NotFound, (await vigil.InScopeAsync<RuleDirectory, RuleResult>(r => r.UpdateAsync(mallorys.Id, eve, new RuleSpecification(eve, "stolen", [], [], 0, null, "eve@example.com", null), Ct))).Outcome);
        Assert.False(await vigil.InScopeAsync<RuleDirectory, bool>(r => r.RemoveAsync(mallorys.Id, eve, Ct)));
        Assert.Equal("Mine", (await vigil.InScopeAsync<RuleDirectory, NotificationRule?>(r => r.FindAsync(mallorys.Id, null, Ct)))!.Name);
        Assert.True(await vigil.InScopeAsync<RuleDirectory, bool>(r => r.RemoveAsync(eves.Id, eve, Ct)));
    }
}
