using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Vigil.Server.Features.Identity.Pages;

[AllowAnonymous] // checks the pending or signed-in session itself
internal sealed class SignInModel(SignInFlow flow, SignInThrottle throttle, IOptions<IdentityOptions> options) : AccountPageModel
{
    /// <summary>The one answer to every refused sign-in, so it reveals nothing about the account.</summary>
    public const string Refused = "The email or password is wrong, or the account is locked after too many attempts (it unlocks after a while).";

    [BindProperty]
    public string? Email { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    [BindProperty(SupportsGet = true)]
    public bool SignedOut { get; set; }

    [BindProperty(SupportsGet = true)]
    public bool Created { get; set; }

    public bool AllowSignUp => options.Value.AllowSignUp;

    public IActionResult OnGet() =>
        User.Identity?.IsAuthenticated == true && User.Identity.AuthenticationType == IdentityConstants.ApplicationScheme && !SignedOut
            ? LocalRedirect(SafeReturnUrl())
            : Page();

    public async Task<IActionResult> OnPostAsync()
    {
        if (!await throttle.TryAcquireAsync(HttpContext.Connection.RemoteIpAddress, HttpContext.RequestAborted))
        {
            return TooManyAttempts();
        }

        var email = Email ?? "";
        var password = Password ?? "";
        var user = email.Length is > 0 and <= UserAccounts.MaxEmailLength && password.Length is > 0 and <= PasswordRules.MaxLength
            ? await flow.CheckPasswordAsync(email, password)
            : null;
        if (user is null)
        {
            Error = Refused;
            return Page();
        }

        return LocalRedirect(await flow.AdvanceAsync(HttpContext, user, mfaVerified: false, SafeReturnUrl()));
    }
}
