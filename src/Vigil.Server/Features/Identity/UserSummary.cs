namespace Vigil.Server.Features.Identity;

/// <summary>What other features may know about an account (never its secrets).</summary>
internal sealed record UserSummary(Guid Id, string Email, IReadOnlyList<string> Roles, bool MfaEnabled, bool IsDisabled)
{
    public bool IsAdmin => Roles.Contains(RoleNames.Admin);
}
