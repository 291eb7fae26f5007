using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Vigil.Server.Features.Identity;
using Vigil.Server.Features.Signaling;
using Vigil.Server.Hosting;

namespace Vigil.Server.Features.Cameras;

/// <summary>
/// <c>POST /api/cameras/{id}/viewer-credentials</c> and <c>GET /api/cameras/{id}/viewer-url</c>
/// (see <see cref="ViewerAccess"/>). Both answers hold secrets: never cached, never logged.
/// </summary>
internal static class CameraViewerEndpoints
{
    public static RouteGroupBuilder MapCameraViewer(this RouteGroupBuilder cameras)
    {
        cameras.MapPost("/{id:guid}/viewer-credentials", IssueCredentialsAsync)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Temporary credentials (accessKeyId, secretAccessKey, sessionToken, expiration, region, channelName, channelArn) that may only DescribeSignalingChannel, GetSignalingChannelEndpoint, GetIceServerConfig and ConnectAsViewer on this camera's channel; Cameras:ViewerCredentialLifetime (15 minutes by default, at most 1 hour). 409 camera-not-live or camera-not-provisioned.");
        cameras.MapGet("/{id:guid}/viewer-url", IssueUrlAsync)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("A ConnectAsViewer WebSocket URL pre-signed by the server (signedURL, valid to connect for Cameras:ViewerUrlLifetime, 5 minutes by default), its clientId (?clientId= to choose one) and the ICE servers (STUN, TURN with credentials) as RTCConfiguration.iceServers. 400 invalid-parameter (clientId); 409 camera-not-live or camera-not-provisioned.");
        return cameras;
    }

    private static async Task<Results<Ok<ViewerCredentialsView>, NotFound, ProblemHttpResult>> IssueCredentialsAsync(
        Guid id, HttpContext context, ClaimsPrincipal principal, ViewerAccess access, CancellationToken cancellationToken)
    {
        var issued = await access.IssueCredentialsAsync(id, principal.GetRequiredUserId(), cancellationToken);
        return Answer(context, issued);
    }

    private static async Task<Results<Ok<ViewerUrlView>, NotFound, ProblemHttpResult>> IssueUrlAsync(
        Guid id, string? clientId, HttpContext context, ClaimsPrincipal principal, ViewerAccess access, CancellationToken cancellationToken)
    {
        if (clientId is not null && !ChannelRules.IsClientId(clientId))
        {
            return ApiProblems.InvalidParameter("clientId", "clientId must be 1 to 256 characters of a-z, A-Z, 0-9, '_', '.' and '-', not starting with AWS_");
        }

        var issued = await access.IssueUrlAsync(id, principal.GetRequiredUserId(), clientId, cancellationToken);
        return Answer(context, issued);
    }

    private static Results<Ok<T>, NotFound, ProblemHttpResult> Answer<T>(HttpContext context, ViewerAccessResult<T> result)
        where T : class
    {
        switch (result.Outcome)
        {
            case ViewerAccessOutcome.Issued:
                context.Response.Headers.CacheControl = "no-store";
                return TypedResults.Ok(result.Value!);
            case ViewerAccessOutcome.NotLive:
                return TypedResults.Problem(
                    detail: "this is a snapshot camera: it has no live video to view",
                    statusCode: StatusCodes.Status409Conflict,
                    title: "Not a live camera",
                    type: CameraProblemTypes.NotLive);
            case ViewerAccessOutcome.NotProvisioned:
                return TypedResults.Problem(
                    detail: "this camera has not provisioned yet (or was revoked): switch it on and wait until the camera list says provisioned",
                    statusCode: StatusCodes.Status409Conflict,
                    title: "Camera not provisioned",
                    type: CameraProblemTypes.NotProvisioned);
            case ViewerAccessOutcome.AccountInactive:
                return TypedResults.Problem(
                    detail: "this account is disabled",
                    statusCode: StatusCodes.Status403Forbidden,
                    title: "Account disabled");
            default:
                return TypedResults.NotFound();
        }
    }
}
