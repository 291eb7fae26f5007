using System.Security.Claims;
using OpenIddict.Abstractions;

namespace Vigil.Server.Features.Identity;

/// <summary>Reads the account id from a signed-in principal (an access token's <c>sub</c>, or the cookie's name identifier).</summary>
internal static class UserPrincipal
{
    public static Guid? GetUserId(this ClaimsPrincipal principal)
    {
        var value = principal.FindFirstValue(OpenIddictConstants.Claims.Subject) ?? principal.FindFirstValue(ClaimTypes.NameIdentifier);
        return Guid.TryParse(value, out var id) ? id : null;
    }

    /// <summary>For endpoints behind <see cref="IdentityPolicies.User"/>, where a principal without an id cannot reach.</summary>
    public static Guid GetRequiredUserId(this ClaimsPrincipal principal) =>
        principal.GetUserId() ?? throw new InvalidOperationException("The principal has no account id; is the endpoint behind IdentityPolicies.User?");
}
