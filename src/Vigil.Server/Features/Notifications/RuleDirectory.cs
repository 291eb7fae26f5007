using System.Net.Mail;
using Microsoft.EntityFrameworkCore;
using Vigil.Server.Features.Cameras;
using Vigil.Server.Features.Vision;
using Vigil.Server.Storage;

namespace Vigil.Server.Features.Notifications;

/// <summary>
/// Creates, validates, lists, changes and deletes notification rules, always within one owner's
/// rules when an owner is given (the API passes the signed-in user). A refused rule is an
/// <see cref="RuleOutcome.Invalid"/> result whose problem names the field; the CLI prints it, the
/// API answers 400 with it.
/// </summary>
internal sealed class RuleDirectory(VigilDbContext db, SnapshotCameraDirectory cameras, WebhookTargetGuard webhookTargets, WebhookSecrets secrets, TimeProvider time)
{
    public const int MaxRulesPerOwner = 100;

    public async Task<RuleResult> AddAsync(RuleSpecification specification, CancellationToken cancellationToken)
    {
        var owner = specification.OwnerId;
        if (await db.NotificationRules.CountAsync(r => r.OwnerId == owner, cancellationToken) >= MaxRulesPerOwner)
        {
            return RuleResult.Invalid($"the owner already has {MaxRulesPerOwner} rules");
        }

        if (await CameraProblemAsync(owner, specification.CameraIds, cancellationToken) is { } cameraProblem)
        {
            return RuleResult.Invalid(cameraProblem);
        }

        if ((Validate(specification, out var labels) ?? WebhookTargetProblem(specification)) is { } problem)
        {
            return RuleResult.Invalid(problem);
        }

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
        Apply(rule, specification, labels);
        if (rule.WebhookUrl is not null)
        {
            secrets.Issue(rule);
        }

        db.NotificationRules.Add(rule);
        await db.SaveChangesAsync(cancellationToken);
        return RuleResult.Done(rule);
    }

    public async Task<RuleResult> UpdateAsync(Guid id, Guid? ownerId, RuleSpecification specification, CancellationToken cancellationToken)
    {
        var rule = await FindAsync(id, ownerId, cancellationToken);
        if (rule is null)
        {
            return RuleResult.NotFound;
        }

        if (await CameraProblemAsync(rule.OwnerId, specification.CameraIds, cancellationToken) is { } cameraProblem)
        {
            return RuleResult.Invalid(cameraProblem);
        }

        if ((Validate(specification, out var labels) ?? WebhookTargetProblem(specification)) is { } problem)
        {
            return RuleResult.Invalid(problem);
        }

        var hadWebhook = rule.WebhookUrl is not null;
        Apply(rule, specification, labels);
        if (rule.WebhookUrl is null)
        {
            rule.WebhookSecret = null;
            rule.ProtectedWebhookSecret = null;
        }
        else if (!hadWebhook)
        {
            secrets.Issue(rule);
        }

        await db.SaveChangesAsync(cancellationToken);
        return RuleResult.Done(rule);
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
    private async Task<string?> CameraProblemAsync(Guid ownerId, IReadOnlyList<Guid> cameraIds, CancellationToken cancellationToken)
    {
        if (cameraIds.Count == 0)
        {
            return null;
        }

        var owned = (await cameras.ListAsync(ownerId, cancellationToken)).Select(c => c.Id).ToHashSet();
        foreach (var id in cameraIds)
        {
            if (!owned.Contains(id))
            {
                return $"camera: the owner has no snapshot camera {id}";
            }
        }

        return null;
    }

    /// <summary>What is wrong with <paramref name="s"/> (naming the field), or null; <paramref name="labels"/> are its labels in the detector's spelling.</summary>
    private static string? Validate(RuleSpecification s, out List<string> labels)
    {
        labels = [];
        foreach (var label in s.Labels)
        {
            if (CocoLabels.Normalize(label) is not { } known)
            {
                return $"label: '{label}' is not a label the detector knows (e.g. Person, Car, Dog, Cat, Bicycle)";
            }

            labels.Add(known);
        }

        if (s.MinConfidence is < 0 or > 1 || double.IsNaN(s.MinConfidence))
        {
            return "min-confidence: must be from 0 to 1";
        }

        if (s.QuietHours is { Length: > 0 } quiet && !QuietHours.TryParse(quiet, out _))
        {
            return $"quiet hours: '{quiet}' is not HH:mm-HH:mm (e.g. 22:00-07:00)";
        }

        if (s.EmailTo is { Length: > 0 } email && (!MailAddress.TryCreate(email, out var parsed) || parsed.Address != email.Trim()))
        {
            return $"email: '{email}' is not an e-mail address";
        }

        if (s.WebhookUrl is { Length: > 0 } url && (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || url.Length > 2048))
        {
            return $"webhook: '{url}' is not an http(s) URL";
        }

        if (!string.IsNullOrWhiteSpace(s.EmailTo) && s.EmailOwner)
        {
            return "email: give an explicit address or e-mail the owner, not both";
        }

        if (string.IsNullOrWhiteSpace(s.EmailTo) && !s.EmailOwner && string.IsNullOrWhiteSpace(s.WebhookUrl) && !s.Mqtt)
        {
            return "a rule needs an action: e-mail to the owner or to an address, a webhook URL, MQTT, or several";
        }

        var name = RuleName(s, labels);
        return name.Length > 64 || name.Any(char.IsControl) ? "name: at most 64 printable characters" : null;
    }

    /// <summary>A webhook written with an address Vigil may not call (names are checked at each delivery, on what they resolve to then).</summary>
    private string? WebhookTargetProblem(RuleSpecification s) =>
        s.WebhookUrl is { Length: > 0 } url && Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) && webhookTargets.LiteralRefusal(uri) is { } refusal
            ? $"webhook: '{url}' is not allowed: {refusal}"
            : null;

    /// <summary>The latest delivery of the rule (any action), so its owner sees why notifications do not arrive.</summary>
    public Task<NotificationDelivery?> LastDeliveryAsync(Guid ruleId, CancellationToken cancellationToken) =>
        db.NotificationDeliveries.AsNoTracking().Where(d => d.RuleId == ruleId).OrderByDescending(d => d.Id).FirstOrDefaultAsync(cancellationToken);

    private static string RuleName(RuleSpecification s, List<string> labels) =>
        string.IsNullOrWhiteSpace(s.Name) ? (labels.Count == 0 ? "Any event" : string.Join(", ", labels)) : s.Name.Trim();

    /// <summary>Copies a valid specification onto <paramref name="rule"/> (its owner stays).</summary>
    private static void Apply(NotificationRule rule, RuleSpecification s, List<string> labels)
    {
        rule.Name = RuleName(s, labels);
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
