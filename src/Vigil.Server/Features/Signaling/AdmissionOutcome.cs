namespace Vigil.Server.Features.Signaling;

internal enum AdmissionOutcome
{
    Admitted,
    TooManyViewers,
    TooManyConnects,

    /// <summary>The session was dropped as empty meanwhile; ask the hub again.</summary>
    Retired,
}
