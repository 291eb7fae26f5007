namespace Vigil.Server.Features.Credentials.Policies;

/// <summary>One statement: an effect on actions (case-insensitive) and resources (case-sensitive ARNs).</summary>
internal sealed class PolicyStatement(string? sid, PolicyEffect effect, IReadOnlyList<PolicyPattern> actions, IReadOnlyList<PolicyPattern> resources)
{
    public string? Sid { get; } = sid;

    public PolicyEffect Effect { get; } = effect;

    public IReadOnlyList<PolicyPattern> Actions { get; } = actions;

    public IReadOnlyList<PolicyPattern> Resources { get; } = resources;

    public bool AppliesTo(string action, string resource, IReadOnlyDictionary<string, string> variables)
    {
        var actionMatches = false;
        foreach (var pattern in Actions)
        {
            if (pattern.Matches(action, variables, ignoreCase: true))
            {
                actionMatches = true;
                break;
            }
        }

        if (!actionMatches)
        {
            return false;
        }

        foreach (var pattern in Resources)
        {
            if (pattern.Matches(resource, variables, ignoreCase: false))
            {
                return true;
            }
        }

        return false;
    }
}
