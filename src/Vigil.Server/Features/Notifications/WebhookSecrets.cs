using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Vigil.Server.Features.Cameras;
using Vigil.Server.Hosting;
using Vigil.Server.Storage;

namespace Vigil.Server.Features.Notifications;

/// <summary>
/// Rule webhook signing secrets at rest: encrypted with the Data Protection key ring (purpose
/// per rule, so a value copied onto another rule does not decrypt), like access-key secrets. A
/// database copied without <c>&lt;data&gt;/keys/</c> gives nobody the secrets.
/// </summary>
internal sealed class WebhookSecrets(IDataProtectionProvider protection)
{
    private const string Purpose = "Vigil.Notifications.WebhookSecret.v1";

    /// <summary>Longest clear secret stored before secrets were encrypted (the old column's length).</summary>
    public const int LegacyMaxLength = 64;

    /// <summary>A new secret for <paramref name="rule"/>: the clear value on the rule (for the one answer that shows it), the encrypted one stored.</summary>
    public void Issue(NotificationRule rule)
    {
        rule.WebhookSecret = CameraRules.NewSecret();
        rule.ProtectedWebhookSecret = Protect(rule.Id, rule.WebhookSecret);
    }

    public string Protect(Guid ruleId, string secret) => protection.CreateProtector(Purpose, ruleId.ToString("N")).Protect(secret);

    /// <summary>The clear secret of a stored rule.</summary>
    public string Reveal(NotificationRule rule) =>
        rule.ProtectedWebhookSecret is not { } stored ? ""
        : stored.Length <= LegacyMaxLength ? stored // written before encryption; Initializer encrypts it at the next start
        : protection.CreateProtector(Purpose, rule.Id.ToString("N")).Unprotect(stored);

    /// <summary>Encrypts secrets stored in clear by earlier versions (idempotent).</summary>
    internal sealed class Initializer(IServiceScopeFactory scopes) : IDataInitializer
    {
        public int Order => 500;

        public async Task InitializeAsync(CancellationToken cancellationToken)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
            var secrets = scope.ServiceProvider.GetRequiredService<WebhookSecrets>();
            var legacy = await db.NotificationRules.Where(r => r.ProtectedWebhookSecret != null && r.ProtectedWebhookSecret.Length <= LegacyMaxLength).ToListAsync(cancellationToken);
            foreach (var rule in legacy)
            {
                rule.ProtectedWebhookSecret = secrets.Protect(rule.Id, rule.ProtectedWebhookSecret!);
            }

            if (legacy.Count > 0)
            {
                await db.SaveChangesAsync(cancellationToken);
            }
        }
    }
}
