using Vigil.Server.Features.Credentials;

namespace Vigil.Server.Features.Cameras;

/// <summary>
/// The cameras' part of the access review: viewer credentials (they name their camera) stay only
/// while the camera is still bound to the user they were issued to, so unbinding it, by its owner or
/// by the operator, ends the viewer's open connections.
/// </summary>
internal sealed class ViewerBindingReview(CameraDirectory cameras) : ICallerReview
{
    public async Task<bool> MayStayAsync(CallerIdentity caller, string channelArn, CancellationToken cancellationToken)
    {
        var variables = caller.Principal.Variables;
        if (!variables.TryGetValue(ViewerAccess.CameraIdVariable, out var camera) || !Guid.TryParse(camera, out var cameraId))
        {
            return true;
        }

        return variables.TryGetValue(CredentialPrincipal.UserIdVariable, out var user) && Guid.TryParse(user, out var userId)
            && await cameras.FindAsync(cameraId, userId, cancellationToken) is { Channel.Arn: var arn } && arn == channelArn;
    }
}
