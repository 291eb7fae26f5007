using Vigil.Server.Features.Devices;
using Vigil.Server.Features.Signaling;

namespace Vigil.Server.Features.Cameras;

/// <summary>A camera with what other features know of it: for a live camera, its thing (presence) and signaling channel, once it provisioned.</summary>
internal sealed record CameraDetails(Camera Camera, Thing? Thing, SignalingChannel? Channel)
{
    /// <summary>A live camera has provisioned (and was not revoked since); a snapshot camera needs no provisioning.</summary>
    public bool Provisioned => Camera.Kind == CameraKind.Snapshot || Thing is { RevokedAt: null };

    /// <summary>Connected now (live cameras only; a snapshot camera keeps no connection, so null).</summary>
    public bool? Online => Camera.Kind == CameraKind.Live ? Thing is { RevokedAt: null, Online: true } : null;

    public DateTimeOffset? LastSeen => Thing?.LastSeen;
}
