namespace Vigil.Server.Features.Identity;

/// <summary>One row of <c>vigil user list</c>.</summary>
internal sealed record AccountListing(
    Guid Id,
    string Email,
    IReadOnlyList<string> Roles,
    bool MfaEnabled,
    bool MustChangePassword,
    DateTimeOffset CreatedAt,
    DateTimeOffset? DisabledAt,
    DateTimeOffset? LockedUntil);
