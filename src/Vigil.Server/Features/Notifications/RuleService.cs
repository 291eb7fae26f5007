using System.Net.Mail;
using Microsoft.EntityFrameworkCore;
using Vigil.Server.Features.Ingest;
using Vigil.Server.Features.Vision;
using Vigil.Server.Hosting;
using Vigil.Server.Storage;

namespace Vigil.Server.Features.Notifications;

/// <summary>
/// Creates, lists, changes and deletes notification rules, always within one owner's rules when
/// an owner is given (the API passes the signed-in user). Invalid input throws an
/// <see cref="OperatorException"/> naming the field; the CLI prints it, the API answers 400 with it.
/// </summary>
internal sealed class RuleService(VigilDbContext db, SnapshotCameraDirectory cameras, TimeProvider time)
{
    public const int MaxRulesPerOwner = 100;

    public async Task<NotificationRule> AddAsync(RuleSpecification specification, CancellationToken cancellationToken)
    {
        var owner = specification.OwnerId;
        if (await db.NotificationRules.CountAsync(r => r.OwnerId == owner, cancellationToken) >= MaxRulesPerOwner)
        {
            throw new OperatorException($"the owner already has {MaxRulesPerOwner} rules");
        }

        await CheckCamerasAsync(owner, specification.CameraIds, cancellationToken);

        var rule = new NotificationRule
        {
            Id = Guid.CreateVersion7(time.GetUtcNow()),
            OwnerId = owner,
            Name = "",
            CameraIds = "",
            Labels = "",
            MinConfidence = 0.5,
            Enabled = true,
            CreatedAt = time.GetUtcNow(),
        };
        Apply(rule, specification with { OwnerId = owner });
        if (rule.WebhookUrl is not null)
        {
            rule.WebhookSecret = CameraRules.NewSecret();
        }

        db.NotificationRules.Add(rule);
        await db.SaveChangesAsync(cancellationToken);
        return rule;
    }

    public async Task<NotificationRule?> UpdateAsync(Guid id, Guid? ownerId, RuleSpecification specification, CancellationToken cancellationToken)
    {
        var rule = await FindAsync(id, ownerId, cancellationToken);
        if (rule is null)
        {
            return null;
        }

        await CheckCamerasAsync(rule.OwnerId, specification.CameraIds, cancellationToken);
        var hadWebhook = rule.WebhookUrl is not null;
        Apply(rule, specification with { OwnerId = rule.OwnerId });
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

    public async Task<bool> RemoveAsync(Guid id, Guid? ownerId, CancellationToken cancellationToken)
    {
        var rule = await FindAsync(id, ownerId, cancellationToken);
        if (rule is null)
        {
            return false;
        }

        db.NotificationRules.Remove(rule);
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    public async Task<IReadOnlyList<NotificationRule>> ListAsync(Guid? ownerId, CancellationToken cancellationToken)
    {
        var query = db.NotificationRules.AsNoTracking();
        if (ownerId is { } owner)
        {
            query = query.Where(r => r.OwnerId == owner);
        }

        return await query.OrderBy(r => r.OwnerId).ThenBy(r => r.CreatedAt).ThenBy(r => r.Id).ToListAsync(cancellationToken);
    }

    public Task<NotificationRule?> FindAsync(Guid id, Guid? ownerId, CancellationToken cancellationToken) =>
        db.NotificationRules.SingleOrDefaultAsync(r => r.Id == id && (ownerId == null || r.OwnerId == ownerId), cancellationToken);

    /// <summary>A rule may name only its owner's cameras (another account's camera reads as unknown, so ids do not leak).</summary>
    private async Task CheckCamerasAsync(Guid ownerId, IReadOnlyList<Guid> cameraIds, CancellationToken cancellationToken)
    {
        if (cameraIds.Count == 0)
        {
            return;
        }

        var owned = (await cameras.ListAsync(ownerId, cancellationToken)).Select(c => c.Id).ToHashSet();
        foreach (var id in cameraIds)
        {
            if (!owned.Contains(id))
            {
                throw new OperatorException($"camera: the owner has no snapshot camera {id}");
            }
        }
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

        if (!string.IsNullOrWhiteSpace(s.EmailTo) && s.EmailOwner)
        {
            throw new OperatorException("email: give an explicit address or e-mail the owner, not both");
        }

        if (string.IsNullOrWhiteSpace(s.EmailTo) && !s.EmailOwner && string.IsNullOrWhiteSpace(s.WebhookUrl) && !s.Mqtt)
        {
            throw new OperatorException("a rule needs an action: e-mail to the owner or to an address, a webhook URL, MQTT, or several");
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
        rule.EmailOwner = s.EmailOwner;
        rule.WebhookUrl = string.IsNullOrWhiteSpace(s.WebhookUrl) ? null : s.WebhookUrl.Trim();
        rule.Mqtt = s.Mqtt;
        rule.Enabled = s.Enabled;
    }
}
