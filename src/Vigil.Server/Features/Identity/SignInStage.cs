namespace Vigil.Server.Features.Identity;

/// <summary>
/// The steps between a correct password and a signed-in browser, in the order they are asked:
/// an enrolled authenticator is checked before anything can be changed, then a temporary
/// password is replaced, then (when MFA is required) an authenticator is enrolled.
/// </summary>
internal enum SignInStage
{
    VerifyMfa,
    ChangePassword,
    EnrollMfa,
}
