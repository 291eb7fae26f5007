namespace Vigil.Server.Features.Devices;

internal enum ThingRevokeOutcome
{
    Revoked,
    AlreadyRevoked,
    NotFound,
}
