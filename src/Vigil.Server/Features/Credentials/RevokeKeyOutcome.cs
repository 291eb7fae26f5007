namespace Vigil.Server.Features.Credentials;

internal enum RevokeKeyOutcome
{
    Revoked,
    AlreadyRevoked,
    NotFound,
}
