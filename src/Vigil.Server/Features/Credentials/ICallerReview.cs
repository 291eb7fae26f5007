namespace Vigil.Server.Features.Credentials;

/// <summary>
/// Asked again, while a caller's connection stays open, whether it may still be there: a feature that
/// can take access away (a key revoked, a thing revoked, an account disabled, a camera unbound)
/// answers for its part, true when it has nothing against the caller. Every node asks its own
/// connections against the shared database, so a change made anywhere (the CLI, another node) closes
/// them everywhere without a backplane.
/// </summary>
internal interface ICallerReview
{
    Task<bool> MayStayAsync(CallerIdentity caller, string channelArn, CancellationToken cancellationToken);
}
