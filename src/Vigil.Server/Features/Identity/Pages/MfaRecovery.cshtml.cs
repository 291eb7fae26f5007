using Microsoft.AspNetCore.Mvc;

namespace Vigil.Server.Features.Identity.Pages;

internal sealed class MfaRecoveryModel(SignInFlow flow, SignInThrottle throttle) : AccountPageModel
{
    public const string Wrong = "That recovery code is not valid, or was already used.";

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

        if (!await flow.RedeemRecoveryCodeAsync(user, Code ?? ""))
        {
            Error = Wrong;
            return Page();
        }

        return LocalRedirect(await flow.AdvanceAsync(HttpContext, user, mfaVerified: true, SafeReturnUrl(pending.ReturnUrl), "mfa"));
    }
}
