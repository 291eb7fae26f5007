using Microsoft.AspNetCore.Http.HttpResults;
using Vigil.Server.Storage;

namespace Vigil.Server.Hosting;

/// <summary>
/// <c>/healthz</c>: the process is up (for a supervisor's liveness probe). <c>/readyz</c>: the
/// database answers too (for a load balancer's readiness probe).
/// </summary>
internal static class HealthEndpoints
{
    private static readonly TimeSpan ReadinessTimeout = TimeSpan.FromSeconds(5);

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        var health = app.MapGroup("").WithTags("Health").AllowAnonymous();
        health.MapGet("/healthz", () => TypedResults.Ok(new HealthStatus("ok")))
            .WithSummary("Liveness: the process is running.");
        health.MapGet("/readyz", IsReadyAsync)
            .WithSummary("Readiness: the process runs and its database answers.");
        return app;
    }

    private static async Task<Results<Ok<HealthStatus>, ProblemHttpResult>> IsReadyAsync(VigilDbContext db, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ReadinessTimeout);
        bool reachable;
        try
        {
            reachable = await db.Database.CanConnectAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            reachable = false;
        }

        return reachable
            ? TypedResults.Ok(new HealthStatus("ready"))
            : TypedResults.Problem(
                title: "Not ready",
                detail: "The database does not answer.",
                statusCode: StatusCodes.Status503ServiceUnavailable,
                type: ProblemTypes.NotReady);
    }
}
