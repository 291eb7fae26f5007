namespace Vigil.Server.Features.Notifications;

/// <summary>What became of a request to create or change a rule.</summary>
internal enum RuleOutcome
{
    Done,

    /// <summary>No such rule (none of the owner's, when an owner is given).</summary>
    NotFound,

    /// <summary>The rule is refused; the result's problem names the field and says why (the CLI and the API show it as is).</summary>
    Invalid,
}
