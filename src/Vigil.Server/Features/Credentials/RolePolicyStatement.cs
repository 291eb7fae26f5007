namespace Vigil.Server.Features.Credentials;

/// <summary>One statement of a role alias's policy (IAM's Effect, Action, Resource).</summary>
internal sealed class RolePolicyStatement
{
    /// <summary><c>Allow</c> or <c>Deny</c> (an explicit deny wins).</summary>
    public string Effect { get; set; } = "Allow";

    public IList<string> Actions { get; } = [];

    public IList<string> Resources { get; } = [];
}
