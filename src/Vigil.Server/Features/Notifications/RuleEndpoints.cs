using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Vigil.Server.Features.Identity;
using Vigil.Server.Hosting;

namespace Vigil.Server.Features.Notifications;

/// <summary>
/// <c>/api/rules</c>: the caller's notification rules, through <see cref="RuleService"/>, so the API
/// refuses exactly what <c>vigil rules add</c> refuses, with the same message. Another user's rule
/// answers 404, as a missing one does.
/// </summary>
internal static class RuleEndpoints
{
    public static RouteGroupBuilder MapRuleApi(this IEndpointRouteBuilder app)
    {
        var rules = app.MapGroup("/api/rules").WithTags("Rules").RequireAuthorization(IdentityPolicies.User);
        rules.MapGet("", ListAsync).WithSummary("The caller's notification rules.");
        rules.MapGet("/{id:guid}", GetAsync).WithSummary("One rule of the caller.");
        rules.MapPost("", CreateAsync).WithSummary("Create a rule; a webhook's signing secret is in this answer only.");
        rules.MapPut("/{id:guid}", UpdateAsync).WithSummary("Replace a rule; a newly added webhook's signing secret is in this answer only.");
        rules.MapDelete("/{id:guid}", DeleteAsync).WithSummary("Delete a rule.");
        return rules;
    }

    private static async Task<Ok<List<RuleView>>> ListAsync(ClaimsPrincipal principal, RuleService service, CancellationToken cancellationToken) =>
        TypedResults.Ok((await service.ListAsync(principal.GetRequiredUserId(), cancellationToken)).Select(r => RuleView.From(r)).ToList());

    private static async Task<Results<Ok<RuleView>, NotFound>> GetAsync(Guid id, ClaimsPrincipal principal, RuleService service, CancellationToken cancellationToken) =>
        await service.FindAsync(id, principal.GetRequiredUserId(), cancellationToken) is { } rule ? TypedResults.Ok(RuleView.From(rule)) : TypedResults.NotFound();

    private static async Task<Results<Created<RuleView>, ProblemHttpResult>> CreateAsync(RuleRequest? request, ClaimsPrincipal principal, RuleService service, CancellationToken cancellationToken)
    {
        if (request is null)
        {
            return ApiProblems.InvalidRequest("a JSON rule is required");
        }

        try
        {
            var rule = await service.AddAsync(request.ToSpecification(principal.GetRequiredUserId()), cancellationToken);
            return TypedResults.Created($"/api/rules/{rule.Id}", RuleView.From(rule, withSecret: true));
        }
        catch (OperatorException e)
        {
            return ApiProblems.InvalidRequest(e.Message);
        }
    }

    private static async Task<Results<Ok<RuleView>, NotFound, ProblemHttpResult>> UpdateAsync(Guid id, RuleRequest? request, ClaimsPrincipal principal, RuleService service, CancellationToken cancellationToken)
    {
        if (request is null)
        {
            return ApiProblems.InvalidRequest("a JSON rule is required");
        }

        var owner = principal.GetRequiredUserId();
        var before = (await service.FindAsync(id, owner, cancellationToken))?.WebhookSecret;
        try
        {
            return await service.UpdateAsync(id, owner, request.ToSpecification(owner), cancellationToken) is { } rule
                ? TypedResults.Ok(RuleView.From(rule, withSecret: rule.WebhookSecret is not null && rule.WebhookSecret != before))
                : TypedResults.NotFound();
        }
        catch (OperatorException e)
        {
            return ApiProblems.InvalidRequest(e.Message);
        }
    }

    private static async Task<Results<NoContent, NotFound>> DeleteAsync(Guid id, ClaimsPrincipal principal, RuleService service, CancellationToken cancellationToken) =>
        await service.RemoveAsync(id, principal.GetRequiredUserId(), cancellationToken) ? TypedResults.NoContent() : TypedResults.NotFound();
}
