using Microsoft.EntityFrameworkCore;
using Vigil.Server.Features.Notifications;
using Vigil.Server.Hosting;
using Vigil.Server.Storage;
using Vigil.TestSupport;

namespace Vigil.Server.Tests.Features.Notifications;

/// <summary>Webhook signing secrets are stored encrypted with the Data Protection key ring, never in clear.</summary>
public sealed class WebhookSecretStorageTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(StorageProviders.All), MemberType = typeof(StorageProviders))]
    public async Task The_database_holds_the_secret_encrypted_and_signing_reads_it_back(string provider)
    {
        await using var vigil = await TestVigil.StartAsync(provider, cancellationToken: Ct);
        var owner = await SnapshotTestData.AccountAsync(vigil.Services, "sam@example.com", Ct);
        var rule = await SnapshotTestData.AddRuleAsync(vigil.Services, new RuleSpecification(owner, null, [], [], 0.5, null, null, "https://hooks.example/sam"), Ct);

        var stored = await vigil.InScopeAsync<VigilDbContext, NotificationRule>(db => db.NotificationRules.AsNoTracking().SingleAsync(r => r.Id == rule.Id, Ct));

        Assert.Equal(26, rule.WebhookSecret?.Length);
        Assert.Null(stored.WebhookSecret);
        Assert.DoesNotContain(rule.WebhookSecret!, stored.ProtectedWebhookSecret, StringComparison.Ordinal);
        Assert.True(stored.ProtectedWebhookSecret!.Length > WebhookSecrets.LegacyMaxLength);
        Assert.Equal(rule.WebhookSecret, vigil.Services.GetRequiredService<WebhookSecrets>().Reveal(stored));
    }

    [Theory]
    [MemberData(nameof(StorageProviders.All), MemberType = typeof(StorageProviders))]
    public async Task A_secret_stored_in_clear_by_an_earlier_version_is_encrypted_at_the_next_start(string provider)
    {
        await using var vigil = await TestVigil.StartAsync(provider, cancellationToken: Ct);
        var owner = await SnapshotTestData.AccountAsync(vigil.Services, "old@example.com", Ct);
        var rule = await SnapshotTestData.AddRuleAsync(vigil.Services, new RuleSpecification(owner, null, [], [], 0.5, null, null, "https://hooks.example/old"), Ct);
        const string clear = "abcdefghijklmnopqrstuvwxyz";
        await vigil.InScopeAsync<VigilDbContext, int>(db => db.NotificationRules.Where(r => r.Id == rule.Id).ExecuteUpdateAsync(s => s.SetProperty(r => r.ProtectedWebhookSecret, clear), Ct));

        foreach (var initializer in vigil.Services.GetServices<IDataInitializer>().OfType<WebhookSecrets.Initializer>())
        {
            await initializer.InitializeAsync(Ct);
        }

        var stored = await vigil.InScopeAsync<VigilDbContext, NotificationRule>(db => db.NotificationRules.AsNoTracking().SingleAsync(r => r.Id == rule.Id, Ct));
        Assert.NotEqual(clear, stored.ProtectedWebhookSecret);
        Assert.Equal(clear, vigil.Services.GetRequiredService<WebhookSecrets>().Reveal(stored));
    }
}
