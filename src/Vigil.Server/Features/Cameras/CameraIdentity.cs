namespace Vigil.Server.Features.Cameras;

/// <summary>Who sent a snapshot: the camera and its owner's account id, as later stages need them.</summary>
internal sealed record CameraIdentity(Guid Id, string Name, Guid OwnerId);
