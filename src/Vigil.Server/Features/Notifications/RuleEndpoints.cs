using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Vigil.Server.Features.Identity;
using Vigil.Server.Hosting;
using Vigil.Server.Hosting.ApiReference;

namespace Vigil.Server.Features.Notifications;

/// <summary>
/// <c>/api/rules</c>: the caller's notification rules, through <see cref="RuleDirectory"/>, so the API
/// refuses exactly what <c>vigil rules add</c> refuses, with the same message. Another user's rule
/// answers 404, as a missing one does.
/// </summary>
internal static class RuleEndpoints
{
    private const string RuleExample = """
        {"name": "People at the door at night", "cameras": ["6f1c2b9e-3d4a-4f6b-9a51-2f0d7c8e1a23"], "labels": ["Person"], "minConfidence": 0.6,
         "quietHours": "07:00-22:00", "email": null, "emailOwner": true, "webhook": "https://example.com/hooks/vigil", "enabled": true, "mqtt": false}
        """;

    public static RouteGroupBuilder MapRuleApi(this IEndpointRouteBuilder app)
    {
        var rules = app.MapGroup("/api/rules").WithTags("Rules").RequireAuthorization(IdentityPolicies.User);
        rules.MapGet("", ListAsync).WithSummary("The caller's notification rules.");
        rules.MapGet("/{id:guid}", GetAsync).WithSummary("One rule of the caller, with its latest delivery (status and error).");
        rules.MapPost("", CreateAsync)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .WithRequestExample(RuleExample)
            .WithSummary("Create a rule; a webhook's signing secret is in this answer only.")
            .WithDescription("400 invalid-request says what is wrong with the rule, in the words of `vigil rules add`.");
        rules.MapPut("/{id:guid}", UpdateAsync)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .WithRequestExample(RuleExample)
            .WithSummary("Replace a rule; a newly added webhook's signing secret is in this answer only.");
        rules.MapDelete("/{id:guid}", DeleteAsync).WithSummary("Delete a rule.");
        return rules;
    }

    private static async Task<Ok<List<RuleView>>> ListAsync(ClaimsPrincipal principal, RuleDirectory rules, CancellationToken cancellationToken) =>
        TypedResults.Ok((await rules.ListAsync(principal.GetRequiredUserId(), cancellationToken)).Select(r => RuleView.From(r)).ToList());

    private static async Task<Results<Ok<RuleView>, NotFound>> GetAsync(Guid id, ClaimsPrincipal principal, RuleDirectory rules, CancellationToken cancellationToken) =>
        await rules.FindAsync(id, principal.GetRequiredUserId(), cancellationToken) is { } rule
            ? TypedResults.Ok(RuleView.From(rule, lastDelivery: await rules.LastDeliveryAsync(rule.Id, cancellationToken)))
            : TypedResults.NotFound();

    private static async Task<Results<Created<RuleView>, ProblemHttpResult>> CreateAsync(RuleRequest? request, ClaimsPrincipal principal, RuleDirectory rules, CancellationToken cancellationToken)
    {
        if (request is null)
        {
            return ApiProblems.InvalidRequest("a JSON rule is required");
        }

        var added = await rules.AddAsync(request.ToSpecification(principal.GetRequiredUserId()), cancellationToken);
        return added.Rule is { } rule
            ? TypedResults.Created($"/api/rules/{rule.Id}", RuleView.From(rule, withSecret: true))
            : ApiProblems.InvalidRequest(added.Problem!);
    }

    private static async Task<Results<Ok<RuleView>, NotFound, ProblemHttpResult>> UpdateAsync(Guid id, RuleRequest? request, ClaimsPrincipal principal, RuleDirectory rules, CancellationToken cancellationToken)
    {
        if (request is null)
        {
            return ApiProblems.InvalidRequest("a JSON rule is required");
        }

        var owner = principal.GetRequiredUserId();
        var before = (await rules.FindAsync(id, owner, cancellationToken))?.WebhookSecret;
        var updated = await rules.UpdateAsync(id, owner, request.ToSpecification(owner), cancellationToken);
        return updated.Outcome switch
        {
            RuleOutcome.Done => TypedResults.Ok(RuleView.From(updated.Rule!, withSecret: updated.Rule!.WebhookSecret is not null && updated.Rule.WebhookSecret != before)),
            RuleOutcome.NotFound => TypedResults.NotFound(),
            _ => ApiProblems.InvalidRequest(updated.Problem!),
        };
    }

    private static async Task<Results<NoContent, NotFound>> DeleteAsync(Guid id, ClaimsPrincipal principal, RuleDirectory rules, CancellationToken cancellationToken) =>
        await rules.RemoveAsync(id, principal.GetRequiredUserId(), cancellationToken) ? TypedResults.NoContent() : TypedResults.NotFound();
}
