using Vigil.Server.Hosting;

namespace Vigil.Server.Features.Notifications;

/// <summary>
/// A rule refused by <see cref="RuleService"/>: the message is what the CLI prints and the API's
/// problem detail; <see cref="Field"/> names the request field it is about (as in
/// <see cref="RuleRequest"/>'s JSON, e.g. <c>minConfidence</c>), so a form can show it there, or
/// is null when the rule as a whole is at fault.
/// </summary>
internal sealed class InvalidRuleException(string? field, string message) : OperatorException(message)
{
    public string? Field { get; } = field;
}
