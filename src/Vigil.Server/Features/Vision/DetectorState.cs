namespace Vigil.Server.Features.Vision;

internal enum DetectorState
{
    NotLoaded,
    Available,
    Unavailable,
}
