using Microsoft.AspNetCore.Authorization;

namespace Vigil.Server.Features.Identity.Pages;

[AllowAnonymous] // checks the pending or signed-in session itself
internal sealed class MfaRecoveryModel(SignInFlow flow, SignInThrottle throttle) : MfaCodePageModel(flow, throttle)
{
    public const string Wrong = "That recovery code is not valid, or was already used.";

    protected override string WrongCodeMessage => Wrong;

    protected override string AuthenticationMethod => "mfa";

    protected override Task<bool> VerifyAsync(SignInFlow flow, VigilUser user, string code) => flow.RedeemRecoveryCodeAsync(user, code);
}
