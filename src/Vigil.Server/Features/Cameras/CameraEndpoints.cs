using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Vigil.Server.Features.Identity;
using Vigil.Server.Hosting;

namespace Vigil.Server.Features.Cameras;

/// <summary>
/// <c>/api/cameras</c>: the signed-in user's cameras, live and snapshot, in one API. Another user's
/// camera answers 404, as a missing one does, on every route. Snapshot-ingest secrets (SMTP
/// password, private ingest address, upload token) exist in clear only in the answer that issues
/// them; only their hashes are stored.
/// </summary>
internal static class CameraEndpoints
{
    public static RouteGroupBuilder MapCameraApi(this IEndpointRouteBuilder app)
    {
        var cameras = app.MapGroup("/api/cameras").WithTags("Cameras").RequireAuthorization(IdentityPolicies.User);
        cameras.MapGet("", ListAsync)
            .WithSummary("The caller's cameras, live and snapshot, with presence and signaling channel (never secrets).");
        cameras.MapGet("/{id:guid}", GetAsync)
            .WithSummary("One camera of the caller.");
        cameras.MapPatch("/{id:guid}", RenameAsync)
            .WithRequestSchema(CameraRequestSchemas.Rename)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Rename a camera.")
            .WithDescription("400 invalid-parameter (the name); 409 conflict when another of your cameras has that name.");
        cameras.MapDelete("/{id:guid}", DeleteAsync)
            .WithSummary("Delete a snapshot camera, or unbind a live one (the device stays provisioned; its events stay until deleted or pruned).");
        cameras.MapPost("/bind", BindAsync)
            .WithRequestSchema(CameraRequestSchemas.Bind)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .WithSummary("Bind a camera with the serial number and secret printed on it.")
            .WithDescription("201 when bound now (Location: the camera), 200 when it was already yours. 400 invalid-parameter or invalid-request "
                + "(the body); 403 wrong-serial-or-secret (the same answer for an unknown serial number) or camera-revoked; "
                + "409 camera-already-bound (to another account); 429 too-many-attempts, with Retry-After and retryAfter (seconds).");
        cameras.MapPost("/snapshot", CreateSnapshotAsync)
            .WithRequestSchema(CameraRequestSchemas.CreateSnapshot)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Create a snapshot camera; the answer holds its SMTP credentials, private ingest address and upload token, shown only this once.")
            .WithDescription("400 invalid-parameter (the name); 409 conflict when the name is taken or the account has its maximum of snapshot cameras.");
        cameras.MapPost("/{id:guid}/snapshot-ingest", IssueSnapshotIngestAsync)
            .WithSummary("Issue snapshot-ingest credentials (SMTP, ingest address, upload token) for a camera of either kind; old ones stop working at once.");
        cameras.MapPost("/{id:guid}/rotate-credentials", IssueSnapshotIngestAsync)
            .WithSummary("The same as /snapshot-ingest (kept for clients of the snapshot-camera API).");
        cameras.MapCameraStatus();
        cameras.MapCameraViewer();
        return cameras;
    }

    private static async Task<Ok<List<CameraView>>> ListAsync(ClaimsPrincipal principal, CameraDirectory directory, ISnapshotIngestEndpoints ingest, CancellationToken cancellationToken)
    {
        var cameras = await directory.ListAsync(principal.GetRequiredUserId(), cancellationToken);
        return TypedResults.Ok(cameras.OrderBy(c => c.Camera.Name, StringComparer.Ordinal).Select(c => CameraView.From(c, ingest)).ToList());
    }

    private static async Task<Results<Ok<CameraView>, NotFound>> GetAsync(Guid id, ClaimsPrincipal principal, CameraDirectory directory, ISnapshotIngestEndpoints ingest, CancellationToken cancellationToken) =>
        await directory.FindAsync(id, principal.GetRequiredUserId(), cancellationToken) is { } camera
            ? TypedResults.Ok(CameraView.From(camera, ingest))
            : TypedResults.NotFound();

    private static async Task<Results<Ok<CameraView>, NotFound, ProblemHttpResult>> RenameAsync(
        Guid id, HttpRequest request, ClaimsPrincipal principal, CameraDirectory directory, ISnapshotIngestEndpoints ingest, CancellationToken cancellationToken)
    {
        var (body, problem) = await CameraRequestSchemas.Rename.ReadAsync(request, CamerasJsonContext.Default.RenameCameraRequest, cancellationToken);
        if (body is null)
        {
            return problem!;
        }

        var renamed = await directory.RenameAsync(id, principal.GetRequiredUserId(), body.Name, cancellationToken);
        return renamed.Outcome switch
        {
            CameraOutcome.Done => TypedResults.Ok(CameraView.From(renamed.Value!, ingest)),
            CameraOutcome.NotFound => TypedResults.NotFound(),
            CameraOutcome.InvalidName => ApiProblems.InvalidParameter("name", renamed.Problem!),
            _ => ApiProblems.Conflict($"you already have a camera named '{body.Name.Trim()}'"),
        };
    }

    private static async Task<Results<NoContent, NotFound>> DeleteAsync(Guid id, ClaimsPrincipal principal, CameraDirectory directory, CancellationToken cancellationToken)
    {
        var removed = await directory.RemoveAsync(id.ToString(), principal.GetRequiredUserId(), cancellationToken);
        return removed.Outcome == CameraOutcome.Done ? TypedResults.NoContent() : TypedResults.NotFound();
    }

    private static async Task<Results<Created<CameraView>, Ok<CameraView>, ProblemHttpResult>> BindAsync(
        HttpContext context, ClaimsPrincipal principal, CameraBinder binder, ISnapshotIngestEndpoints ingest, CancellationToken cancellationToken)
    {
        var (body, problem) = await CameraRequestSchemas.Bind.ReadAsync(context.Request, CamerasJsonContext.Default.BindCameraRequest, cancellationToken);
        if (body is null)
        {
            return problem!;
        }

        var address = context.Connection.RemoteIpAddress?.ToString();
        var result = await binder.BindCameraAsync(principal.GetRequiredUserId(), body.SerialNumber, body.Secret, body.Name, address, cancellationToken);
        switch (result.Outcome)
        {
            case BindOutcome.Bound when result.Created:
                return TypedResults.Created($"/api/cameras/{result.Camera!.Camera.Id}", CameraView.From(result.Camera, ingest));
            case BindOutcome.Bound:
                return TypedResults.Ok(CameraView.From(result.Camera!, ingest));
            case BindOutcome.TooManyAttempts:
                var seconds = (int)Math.Ceiling(result.RetryAfter!.Value.TotalSeconds);
                context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                return TypedResults.Problem(
                    detail: $"too many failed attempts to bind a camera; try again in {seconds} seconds",
                    statusCode: StatusCodes.Status429TooManyRequests,
                    title: "Too many attempts",
                    type: CameraProblemTypes.TooManyAttempts,
                    extensions: new Dictionary<string, object?> { ["retryAfter"] = seconds });
            case BindOutcome.AlreadyBound:
                return TypedResults.Problem(
                    detail: "this camera is bound to another account; its owner must remove it first (or the operator: vigil cameras unbind)",
                    statusCode: StatusCodes.Status409Conflict,
                    title: "Camera already bound",
                    type: CameraProblemTypes.AlreadyBound);
            case BindOutcome.Revoked:
                return TypedResults.Problem(
                    detail: "this camera's serial number was revoked by the operator",
                    statusCode: StatusCodes.Status403Forbidden,
                    title: "Camera revoked",
                    type: CameraProblemTypes.Revoked);
            case BindOutcome.InvalidName:
                return ApiProblems.InvalidParameter("name", result.Problem!);
            default:
                return TypedResults.Problem(
                    detail: "the serial number or the secret is wrong",
                    statusCode: StatusCodes.Status403Forbidden,
                    title: "Wrong serial number or secret",
                    type: CameraProblemTypes.WrongSerialOrSecret);
        }
    }

    private static async Task<Results<Created<CameraCredentialsView>, ProblemHttpResult>> CreateSnapshotAsync(
        HttpRequest request, ClaimsPrincipal principal, SnapshotCameraDirectory directory, ISnapshotIngestEndpoints ingest, CancellationToken cancellationToken)
    {
        var (body, problem) = await CameraRequestSchemas.CreateSnapshot.ReadAsync(request, CamerasJsonContext.Default.CreateSnapshotCamera, cancellationToken);
        if (body is null)
        {
            return problem!;
        }

        var created = await directory.AddAsync(principal.GetRequiredUserId(), body.Name, cancellationToken);
        return created.Outcome switch
        {
            CameraOutcome.Done => TypedResults.Created($"/api/cameras/{created.Value!.Camera.Id}", CameraCredentialsView.From(created.Value, ingest)),
            CameraOutcome.InvalidName => ApiProblems.InvalidParameter("name", created.Problem!),
            CameraOutcome.LimitReached => ApiProblems.Conflict(created.Problem!),
            _ => ApiProblems.Conflict($"you already have a camera named '{body.Name.Trim()}'"),
        };
    }

    private static async Task<Results<Ok<CameraCredentialsView>, NotFound>> IssueSnapshotIngestAsync(Guid id, ClaimsPrincipal principal, SnapshotCameraDirectory directory, ISnapshotIngestEndpoints ingest, CancellationToken cancellationToken)
    {
        var issued = await directory.RotateAsync(id.ToString(), principal.GetRequiredUserId(), cancellationToken);
        return issued.Value is { } credentials ? TypedResults.Ok(CameraCredentialsView.From(credentials, ingest)) : TypedResults.NotFound();
    }
}
