using System.Net.Mail;
using Microsoft.EntityFrameworkCore;
using Vigil.Server.Features.Ingest;
using Vigil.Server.Features.Vision;
using Vigil.Server.Hosting;
using Vigil.Server.Storage;

namespace Vigil.Server.Features.Notifications;

/// <summary>
/// Creates, lists, changes and deletes notification rules, always within one owner's rules when
/// an owner is given (the API will pass the signed-in user). Invalid input throws an
/// <see cref="OperatorException"/> naming the field.
/// </summary>
internal sealed class RuleService(VigilDbContext db, TimeProvider time)
{
    public const int MaxRulesPerOwner = 100;

    public async Task<NotificationRule> AddAsync(RuleSpecification specification, CancellationToken cancellationToken)
    {
        var owner = CameraRules.NormalizeEmail(specification.OwnerEmail) ?? throw new OperatorException($"owner: '{specification.OwnerEmail}' is not an e-mail address");
        if (await db.NotificationRules.CountAsync(r => r.OwnerEmail == owner, cancellationToken) >= MaxRulesPerOwner)
        {
            throw new OperatorException($"{owner} already has {MaxRulesPerOwner} rules");
        }

        var rule = new NotificationRule
        {
            Id = Guid.CreateVersion7(time.GetUtcNow()),
            OwnerEmail = owner,
            Name = "",
            CameraIds = "",
            Labels = "",
            MinConfidence = 0.5,
            Enabled = true,
            CreatedAt = time.GetUtcNow(),
        };
        Apply(rule, specification with { OwnerEmail = owner });
        if (rule.WebhookUrl is not null)
        {
            rule.WebhookSecret = CameraRules.NewSecret();
        }

        db.NotificationRules.Add(rule);
        await db.SaveChangesAsync(cancellationToken);
        return rule;
    }

    public async Task<NotificationRule?> UpdateAsync(Guid id, string? ownerEmail, RuleSpecification specification, CancellationToken cancellationToken)
    {
        var rule = await FindAsync(id, ownerEmail, cancellationToken);
        if (rule is null)
        {
            return null;
        }

        var hadWebhook = rule.WebhookUrl is not null;
        Apply(rule, specification with { OwnerEmail = rule.OwnerEmail });
        if (rule.WebhookUrl is null)
        {
            rule.WebhookSecret = null;
        }
        else if (!hadWebhook)
        {
            rule.WebhookSecret = CameraRules.NewSecret();
        }

        await db.SaveChangesAsync(cancellationToken);
        return rule;
    }

    public async Task<bool> RemoveAsync(Guid id, string? ownerEmail, CancellationToken cancellationToken)
    {
        var rule = await FindAsync(id, ownerEmail, cancellationToken);
        if (rule is null)
        {
            return false;
        }

        db.NotificationRules.Remove(rule);
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    public async Task<IReadOnlyList<NotificationRule>> ListAsync(string? ownerEmail, CancellationToken cancellationToken)
    {
        var query = db.NotificationRules.AsNoTracking();
        if (ownerEmail is not null)
        {
            var owner = ownerEmail.Trim().ToLowerInvariant();
            query = query.Where(r => r.OwnerEmail == owner);
        }

        return await query.OrderBy(r => r.OwnerEmail).ThenBy(r => r.CreatedAt).ToListAsync(cancellationToken);
    }

    public Task<NotificationRule?> FindAsync(Guid id, string? ownerEmail, CancellationToken cancellationToken)
    {
        var owner = ownerEmail?.Trim().ToLowerInvariant();
        return db.NotificationRules.SingleOrDefaultAsync(r => r.Id == id && (owner == null || r.OwnerEmail == owner), cancellationToken);
    }

    private static void Apply(NotificationRule rule, RuleSpecification s)
    {
        var labels = new List<string>();
        foreach (var label in s.Labels)
        {
            labels.Add(CocoLabels.Normalize(label) ?? throw new OperatorException($"label: '{label}' is not a label the detector knows (e.g. Person, Car, Dog, Cat, Bicycle)"));
        }

        if (s.MinConfidence is < 0 or > 1 || double.IsNaN(s.MinConfidence))
        {
            throw new OperatorException("min-confidence: must be from 0 to 1");
        }

        if (s.QuietHours is { Length: > 0 } quiet && !QuietHours.TryParse(quiet, out _))
        {
            throw new OperatorException($"quiet hours: '{quiet}' is not HH:mm-HH:mm (e.g. 22:00-07:00)");
        }

        if (s.EmailTo is { Length: > 0 } email && (!MailAddress.TryCreate(email, out var parsed) || parsed.Address != email.Trim()))
        {
            throw new OperatorException($"email: '{email}' is not an e-mail address");
        }

        if (s.WebhookUrl is { Length: > 0 } url && (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || url.Length > 2048))
        {
            throw new OperatorException($"webhook: '{url}' is not an http(s) URL");
        }

        if (string.IsNullOrWhiteSpace(s.EmailTo) && string.IsNullOrWhiteSpace(s.WebhookUrl) && !s.Mqtt)
        {
            throw new OperatorException("a rule needs an action: an e-mail address, a webhook URL, MQTT, or several");
        }

        var name = string.IsNullOrWhiteSpace(s.Name) ? (labels.Count == 0 ? "Any event" : string.Join(", ", labels)) : s.Name.Trim();
        if (name.Length > 64 || name.Any(char.IsControl))
        {
            throw new OperatorException("name: at most 64 printable characters");
        }

        rule.Name = name;
        rule.CameraIds = string.Join(",", s.CameraIds.Distinct());
        rule.Labels = string.Join(",", labels.Distinct());
        rule.MinConfidence = s.MinConfidence;
        rule.QuietHours = string.IsNullOrWhiteSpace(s.QuietHours) ? null : s.QuietHours.Trim();
        rule.EmailTo = string.IsNullOrWhiteSpace(s.EmailTo) ? null : s.EmailTo.Trim();
        rule.WebhookUrl = string.IsNullOrWhiteSpace(s.WebhookUrl) ? null : s.WebhookUrl.Trim();
        rule.Mqtt = s.Mqtt;
        rule.Enabled = s.Enabled;
    }
}
