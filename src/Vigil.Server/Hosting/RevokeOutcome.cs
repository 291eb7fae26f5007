namespace Vigil.Server.Hosting;

/// <summary>
/// What became of a revocation, of whatever kind (a registry serial, a thing, an access key, an
/// integration): the one outcome type they share. Commands turn it into their own messages.
/// </summary>
internal enum RevokeOutcome
{
    Revoked,
    AlreadyRevoked,
    NotFound,
}
