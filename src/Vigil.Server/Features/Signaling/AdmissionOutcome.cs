namespace Vigil.Server.Features.Signaling;

internal enum AdmissionOutcome
{
    Admitted,
    TooManyViewers,
    TooManyConnects,

    /// <summary>The session was dropped as empty meanwhile; ask the hub again.</summary>
    Retired,

    /// <summary>The server is stopping: a connection accepted now would be cut at the end of the shutdown timeout.</summary>
    ShuttingDown,
}
