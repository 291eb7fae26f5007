using Microsoft.AspNetCore.Authorization;

namespace Vigil.Server.Features.Identity.Pages;

[AllowAnonymous] // checks the pending or signed-in session itself
internal sealed class MfaChallengeModel(SignInFlow flow, SignInThrottle throttle) : MfaCodePageModel(flow, throttle)
{
    public const string Wrong = "That code is not valid. Codes change every 30 seconds and each works only once: wait for the next one.";

    protected override string WrongCodeMessage => Wrong;

    protected override string AuthenticationMethod => "otp";

    protected override Task<bool> VerifyAsync(SignInFlow flow, VigilUser user, string code) => flow.VerifyTotpAsync(user, code);
}
