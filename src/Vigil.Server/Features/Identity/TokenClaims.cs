using System.Collections.Immutable;
using System.Security.Claims;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Vigil.Server.Features.Identity;

/// <summary>
/// The claims Vigil puts in tokens, and where. Access tokens (JWT, RFC 9068) always carry
/// <c>sub</c>, <c>email</c> and <c>role</c> (the API needs them); identity tokens carry
/// <c>email</c>, <c>role</c> and <c>preferred_username</c> only for the scopes that ask for them.
/// Access tokens get the <c>vigil-api</c> audience only when the <c>api</c> scope was granted,
/// and the API accepts no other audience.
/// </summary>
internal static class TokenClaims
{
    public static ClaimsIdentity Create(VigilUser user, IEnumerable<string> roles, ImmutableArray<string> scopes)
    {
        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
        identity.SetScopes(scopes);
        identity.SetResources(scopes.Contains(IdentityScopes.Api) ? [IdentityScopes.ApiAudience] : []);
        return Refresh(identity, user, roles);
    }

    /// <summary>Replaces the account claims with current ones (an email or a role may have changed since the grant).</summary>
    public static ClaimsIdentity Refresh(ClaimsIdentity identity, VigilUser user, IEnumerable<string> roles)
    {
        identity.SetClaim(Claims.Subject, user.Id.ToString())
            .SetClaim(Claims.Email, user.Email)
            .SetClaim(Claims.PreferredUsername, user.Email)
            .SetClaims(Claims.Role, [.. roles]);
        identity.SetDestinations(Destinations);
        return identity;
    }

    private static IEnumerable<string> Destinations(Claim claim) => claim.Type switch
    {
        Claims.Subject => [OpenIddictConstants.Destinations.AccessToken, OpenIddictConstants.Destinations.IdentityToken],
        Claims.Email => ForScope(claim, Scopes.Email),
        Claims.Role => ForScope(claim, Scopes.Roles),
        Claims.PreferredUsername when claim.Subject?.HasScope(Scopes.Profile) == true => [OpenIddictConstants.Destinations.IdentityToken],
        _ => [],
    };

    private static string[] ForScope(Claim claim, string scope) =>
        claim.Subject?.HasScope(scope) == true
            ? [OpenIddictConstants.Destinations.AccessToken, OpenIddictConstants.Destinations.IdentityToken]
            : [OpenIddictConstants.Destinations.AccessToken];
}
