namespace Vigil.Server.Features.Identity;

/// <summary>
/// Authorization policy names for other features: <c>group.RequireAuthorization(IdentityPolicies.User)</c>.
/// Both accept only an OpenIddict access token (bearer) that carries the <c>api</c> scope, for an
/// account that still exists and is not disabled; <see cref="Admin"/> also needs the admin role.
/// </summary>
internal static class IdentityPolicies
{
    public const string User = "user";
    public const string Admin = "admin";
}
