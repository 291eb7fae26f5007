namespace Vigil.Server.Features.Signaling;

internal enum ChangeOutcome
{
    Done,
    NotFound,
    VersionMismatch,
}
