using Microsoft.AspNetCore.Authorization;

namespace Vigil.Server.Features.Identity;

/// <summary>
/// The fallback authorization policy (<see cref="Policy"/>): a route that names no policy and does
/// not say <c>AllowAnonymous</c> forgot its authorization, so no one may use it (answered 401 by
/// <see cref="UnmarkedEndpointResultHandler"/>) rather than everyone. Requests that no endpoint
/// claims (the web client's files, the device-plane listeners' middleware) pass: the fallback is
/// about endpoints, and such a request is not one. So do routing's own answers, which are endpoints
/// but not route endpoints (405 for a path mapped with other methods) and run no code of ours. The policy names no authentication scheme on
/// purpose: a scheme would re-authenticate every anonymous endpoint and replace the signed-in
/// cookie user that the account pages read.
/// </summary>
internal sealed class UnmarkedEndpointRequirement : AuthorizationHandler<UnmarkedEndpointRequirement>, IAuthorizationRequirement
{
    public static AuthorizationPolicy Policy { get; } = new AuthorizationPolicyBuilder().AddRequirements(new UnmarkedEndpointRequirement()).Build();

    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, UnmarkedEndpointRequirement requirement)
    {
        if (context.Resource is HttpContext http && http.GetEndpoint() is not RouteEndpoint)
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}
