namespace Vigil.Server.Features.Cameras;

internal sealed record ViewerAccessResult<T>(ViewerAccessOutcome Outcome, T? Value)
    where T : class;
