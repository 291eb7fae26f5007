namespace Vigil.Server.Features.Cameras;

/// <summary>The outcome of a camera change and, when it was done, what it produced.</summary>
internal sealed record CameraResult<T>(CameraOutcome Outcome, T? Value, string? Problem)
    where T : class
{
    public static CameraResult<T> Done(T value) => new(CameraOutcome.Done, value, null);

    public static CameraResult<T> Refused(CameraOutcome outcome, string? problem = null) => new(outcome, null, problem);
}
