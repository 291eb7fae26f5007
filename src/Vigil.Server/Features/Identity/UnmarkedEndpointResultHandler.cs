using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace Vigil.Server.Features.Identity;

/// <summary>
/// Answers a route refused by the fallback policy (<see cref="UnmarkedEndpointRequirement"/>) with a
/// 401 problem, whoever asks: the default handler would challenge the default scheme (the sign-in
/// cookie), which redirects to the sign-in page, or forbid a signed-in caller with 403. Every other
/// decision goes to the default handler unchanged.
/// </summary>
internal sealed class UnmarkedEndpointResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (!authorizeResult.Succeeded && policy.Requirements.Any(r => r is UnmarkedEndpointRequirement))
        {
            await TypedResults.Problem(
                title: "Unauthorized",
                detail: "This route does not say who may use it, so no one may.",
                statusCode: StatusCodes.Status401Unauthorized,
                type: IdentityProblemTypes.NoAuthorizationPolicy).ExecuteAsync(context);
            return;
        }

        await _default.HandleAsync(next, context, policy, authorizeResult);
    }
}
