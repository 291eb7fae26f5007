namespace Vigil.Server.Features.Notifications;

/// <summary>The outcome of creating or changing a rule: the rule when done, else why not.</summary>
internal sealed record RuleResult(RuleOutcome Outcome, NotificationRule? Rule, string? Problem)
{
    public static RuleResult Done(NotificationRule rule) => new(RuleOutcome.Done, rule, null);

    public static RuleResult Invalid(string problem) => new(RuleOutcome.Invalid, null, problem);

    public static RuleResult NotFound { get; } = new(RuleOutcome.NotFound, null, null);
}
