using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using OpenIddict.Abstractions;
using OpenIddict.Validation.AspNetCore;

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

    /// <summary>When the access token of this request expires, for responses that last (a stream ends then); null without one.</summary>
    public static async Task<DateTimeOffset?> AccessTokenExpiryAsync(this HttpContext context)
    {
        var result = await context.AuthenticateAsync(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme);
        if ((result.Properties?.ExpiresUtc ?? result.Principal?.GetExpirationDate()) is { } known)
        {
            return known;
        }

        // The JWT's own exp claim (RFC 7519 §4.1.4), when the validation handler passed it through.
        return (result.Principal ?? context.User).FindFirstValue(OpenIddictConstants.Claims.ExpiresAt) is { } exp
            && long.TryParse(exp, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;
    }
}
