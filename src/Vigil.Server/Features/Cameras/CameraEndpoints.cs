using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Vigil.Server.Features.Identity;
using Vigil.Server.Hosting;

namespace Vigil.Server.Features.Cameras;

/// <summary>
/// <c>/api/cameras</c>: the signed-in user's snapshot cameras. Secrets (SMTP password, private
/// ingest address, upload token) exist in clear only in the answer that creates or rotates them;
/// only their hashes are stored. Another user's camera answers 404, as a missing one does.
/// </summary>
internal static class CameraEndpoints
{
    public static RouteGroupBuilder MapCameraApi(this IEndpointRouteBuilder app)
    {
        var cameras = app.MapGroup("/api/cameras").WithTags("Cameras").RequireAuthorization(IdentityPolicies.User);
        cameras.MapGet("", ListAsync)
            .WithSummary("The caller's snapshot cameras (never their secrets).");
        cameras.MapPost("/snapshot", CreateAsync)
            .WithSummary("Create a snapshot camera; the answer holds its SMTP credentials, private ingest address and upload token, shown only this once.");
        cameras.MapPost("/{id:guid}/rotate-credentials", RotateAsync)
            .WithSummary("Issue new SMTP password, ingest address and upload token; the old ones stop working at once.");
        cameras.MapDelete("/{id:guid}", DeleteAsync)
            .WithSummary("Delete a snapshot camera (its events stay until deleted or removed by retention).");
        return cameras;
    }

    private static async Task<Ok<List<CameraView>>> ListAsync(ClaimsPrincipal principal, SnapshotCameraDirectory directory, ISnapshotIngestEndpoints ingest, CancellationToken cancellationToken)
    {
        var cameras = await directory.ListAsync(principal.GetRequiredUserId(), cancellationToken);
        return TypedResults.Ok(cameras.Select(c => new CameraView(c.Id, c.Name, c.CreatedAt, c.SmtpUsername, ingest.AddressDomain, ingest.SmtpPort)).ToList());
    }

    private static async Task<Results<Created<CameraCredentialsView>, ProblemHttpResult>> CreateAsync(
        CreateSnapshotCamera? request,
        ClaimsPrincipal principal,
        SnapshotCameraDirectory directory,
        ISnapshotIngestEndpoints ingest,
        CancellationToken cancellationToken)
    {
        if (request?.Name is not { } name)
        {
            return ApiProblems.InvalidParameter("name", "is required");
        }

        var created = await directory.AddAsync(principal.GetRequiredUserId(), name, cancellationToken);
        return created.Outcome switch
        {
            CameraOutcome.Done => TypedResults.Created($"/api/cameras/{created.Value!.Camera.Id}", CameraCredentialsView.From(created.Value, ingest)),
            CameraOutcome.InvalidName => ApiProblems.InvalidParameter("name", created.Problem!),
            _ => ApiProblems.Conflict($"you already have a camera named '{name.Trim()}'"),
        };
    }

    private static async Task<Results<Ok<CameraCredentialsView>, NotFound>> RotateAsync(Guid id, ClaimsPrincipal principal, SnapshotCameraDirectory directory, ISnapshotIngestEndpoints ingest, CancellationToken cancellationToken)
    {
        var rotated = await directory.RotateAsync(id.ToString(), principal.GetRequiredUserId(), cancellationToken);
        return rotated.Value is { } credentials ? TypedResults.Ok(CameraCredentialsView.From(credentials, ingest)) : TypedResults.NotFound();
    }

    private static async Task<Results<NoContent, NotFound>> DeleteAsync(Guid id, ClaimsPrincipal principal, SnapshotCameraDirectory directory, CancellationToken cancellationToken)
    {
        var removed = await directory.RemoveAsync(id.ToString(), principal.GetRequiredUserId(), cancellationToken);
        return removed.Outcome == CameraOutcome.Done ? TypedResults.NoContent() : TypedResults.NotFound();
    }
}
