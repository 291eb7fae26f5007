using Microsoft.AspNetCore.Mvc;

namespace Vigil.Server.Features.Identity.Pages;

/// <summary>
/// The second sign-in step: a one-time code for the account whose password was just accepted.
/// The pages differ only in which code they take (authenticator or recovery), the message for a
/// wrong one, and the authentication method they record.
/// </summary>
internal abstract class MfaCodePageModel(SignInFlow flow, SignInThrottle throttle) : AccountPageModel
{
    [BindProperty]
    public string? Code { get; set; }

    /// <summary>What the page says when the code is refused.</summary>
    protected abstract string WrongCodeMessage { get; }

    /// <summary>The <c>amr</c> value recorded for a sign-in completed on this page.</summary>
    protected abstract string AuthenticationMethod { get; }

    protected abstract Task<bool> VerifyAsync(SignInFlow flow, VigilUser user, string code);

    public async Task<IActionResult> OnGetAsync() =>
        await flow.GetPendingAsync(HttpContext, SignInStage.VerifyMfa) is null ? RedirectToPage("SignIn") : Page();

    public async Task<IActionResult> OnPostAsync()
    {
        if (await flow.GetPendingAsync(HttpContext, SignInStage.VerifyMfa) is not { } found)
        {
            return RedirectToPage("SignIn");
        }

        var (pending, user) = found;

        if (!await throttle.TryAcquireAsync(HttpContext.Connection.RemoteIpAddress, HttpContext.RequestAborted))
        {
            return TooManyAttempts();
        }

        if (!await VerifyAsync(flow, user, Code ?? ""))
        {
            Error = WrongCodeMessage;
            return Page();
        }

        return LocalRedirect(await flow.AdvanceAsync(HttpContext, user, mfaVerified: true, SafeReturnUrl(pending.ReturnUrl), AuthenticationMethod));
    }
}
