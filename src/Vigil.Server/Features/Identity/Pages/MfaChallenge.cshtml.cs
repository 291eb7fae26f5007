using Microsoft.AspNetCore.Mvc;

namespace Vigil.Server.Features.Identity.Pages;

internal sealed class MfaChallengeModel(SignInFlow flow, SignInThrottle throttle) : AccountPageModel
{
    public const string Wrong = "That code is not valid. Codes change every 30 seconds and each works only once: wait for the next one.";

    [BindProperty]
    public string? Code { get; set; }

    public async Task<IActionResult> OnGetAsync() =>
        await flow.GetPendingAsync(HttpContext, SignInStage.VerifyMfa) is null ? RedirectToPage("SignIn") : Page();

    public async Task<IActionResult> OnPostAsync()
    {
        if (await flow.GetPendingAsync(HttpContext, SignInStage.VerifyMfa) is not { } found)
        {
            return RedirectToPage("SignIn");
        }

        var (pending, user) = found;

        if (!throttle.TryAcquire(HttpContext.Connection.RemoteIpAddress))
        {
            return TooManyAttempts();
        }

        if (!await flow.VerifyTotpAsync(user, Code ?? ""))
        {
            Error = Wrong;
            return Page();
        }

        return LocalRedirect(await flow.AdvanceAsync(HttpContext, user, mfaVerified: true, SafeReturnUrl(pending.ReturnUrl), "otp"));
    }
}
