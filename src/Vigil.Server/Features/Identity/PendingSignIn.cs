namespace Vigil.Server.Features.Identity;

/// <summary>
/// A sign-in that passed the password check but has steps left: kept in a short-lived encrypted
/// cookie (<see cref="SignInFlow.PendingScheme"/>), never as a signed-in session.
/// </summary>
internal sealed record PendingSignIn(Guid UserId, SignInStage Stage, bool MfaVerified, string ReturnUrl);
