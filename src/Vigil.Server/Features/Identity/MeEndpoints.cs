using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Vigil.Server.Features.Identity;

internal static class MeEndpoints
{
    public static RouteGroupBuilder MapMe(this IEndpointRouteBuilder app)
    {
        var me = app.MapGroup("/api/me").WithTags("Identity").RequireAuthorization(IdentityPolicies.User);
        me.MapGet("", GetMeAsync)
            .WithSummary("The account the access token belongs to: id, email, roles and whether MFA is enrolled.");
        return me;
    }

    private static async Task<Results<Ok<MeView>, NotFound>> GetMeAsync(ClaimsPrincipal principal, IUserDirectory directory, CancellationToken cancellationToken) =>
        await directory.FindByIdAsync(principal.GetRequiredUserId(), cancellationToken) is { } user
            ? TypedResults.Ok(new MeView(user.Id, user.Email, user.Roles, user.MfaEnabled))
            : TypedResults.NotFound();
}
