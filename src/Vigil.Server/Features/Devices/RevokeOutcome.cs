namespace Vigil.Server.Features.Devices;

internal enum RevokeOutcome
{
    Revoked,
    AlreadyRevoked,
    NotFound,
}
