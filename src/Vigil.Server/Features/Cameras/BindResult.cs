namespace Vigil.Server.Features.Cameras;

/// <summary>The outcome of a bind attempt; the camera when bound (<see cref="Created"/> when it was not the caller's before), the wait when throttled.</summary>
internal sealed record BindResult(BindOutcome Outcome, CameraDetails? Camera = null, bool Created = false, TimeSpan? RetryAfter = null, string? Problem = null);
