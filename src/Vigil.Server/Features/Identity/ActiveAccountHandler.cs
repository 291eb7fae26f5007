using Microsoft.AspNetCore.Authorization;

namespace Vigil.Server.Features.Identity;

internal sealed class ActiveAccountHandler(IUserDirectory directory) : AuthorizationHandler<ActiveAccountRequirement>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, ActiveAccountRequirement requirement)
    {
        var cancellationToken = (context.Resource as HttpContext)?.RequestAborted ?? CancellationToken.None;
        if (context.User.GetUserId() is { } id && await directory.IsActiveAsync(id, cancellationToken))
        {
            context.Succeed(requirement);
        }
    }
}
