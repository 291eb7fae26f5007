using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace Vigil.Server.Features.Identity.Pages;

/// <summary>
/// Two uses: the forced change after a temporary password (a pending sign-in, no current
/// password asked again), and a signed-in user changing theirs (current password required).
/// </summary>
[AllowAnonymous] // checks the pending or signed-in session itself
internal sealed class ChangePasswordModel(
    SignInFlow flow,
    UserManager<VigilUser> users,
    SignInManager<VigilUser> signIns,
    SignInThrottle throttle,
    UserAccounts accounts) : AccountPageModel
{
    [BindProperty]
    public string? CurrentPassword { get; set; }

    [BindProperty]
    public string? NewPassword { get; set; }

    [BindProperty]
    public string? ConfirmPassword { get; set; }

    public bool Forced { get; private set; }

    public bool Changed { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (await flow.GetPendingAsync(HttpContext, SignInStage.ChangePassword) is not null)
        {
            Forced = true;
            return Page();
        }

        return await SignedInUserAsync() is null ? RedirectToPage("SignIn", new { returnUrl = "/account/password" }) : Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (await flow.GetPendingAsync(HttpContext, SignInStage.ChangePassword) is { } found)
        {
            Forced = true;
            var (pending, pendingUser) = found;
            if (!await TrySetAsync(pendingUser, requireCurrent: false))
            {
                return Page();
            }

            return LocalRedirect(await flow.AdvanceAsync(HttpContext, pendingUser, pending.MfaVerified, SafeReturnUrl(pending.ReturnUrl)));
        }

        var user = await SignedInUserAsync();
        if (user is null)
        {
            return RedirectToPage("SignIn");
        }

        // The current password is checked like a sign-in: throttled per address, refused while locked out.
        if (!await throttle.TryAcquireAsync(HttpContext.Connection.RemoteIpAddress, HttpContext.RequestAborted))
        {
            return TooManyAttempts();
        }

        if (!await TrySetAsync(user, requireCurrent: true))
        {
            return Page();
        }

        // Someone who knew the old password may hold tokens: end every OAuth grant, keep this browser signed in.
        await accounts.RevokeTokensAsync(user, HttpContext.RequestAborted);
        await signIns.RefreshSignInAsync(user);
        Changed = true;
        return Page();
    }

    private async Task<bool> TrySetAsync(VigilUser user, bool requireCurrent)
    {
        var password = NewPassword ?? "";
        if (password != ConfirmPassword)
        {
            Error = "The two new passwords differ.";
            return false;
        }

        if (requireCurrent && await CurrentPasswordProblemAsync(users, user, CurrentPassword) is { } problem)
        {
            Error = problem;
            return false;
        }

        if (user.PasswordHash is not null && users.PasswordHasher.VerifyHashedPassword(user, user.PasswordHash, password) != PasswordVerificationResult.Failed)
        {
            Error = "Choose a password different from the current one.";
            return false;
        }

        var result = await accounts.SetPasswordAsync(user, password, temporary: false);
        if (!result.Succeeded)
        {
            Error = string.Join(" ", result.Errors.Select(e => e.Description));
            return false;
        }

        return true;
    }

    /// <summary>
    /// Why <paramref name="password"/> does not confirm <paramref name="user"/>'s identity, or null:
    /// a locked-out account is refused without checking it, a wrong one counts towards lockout.
    /// </summary>
    internal static async Task<string?> CurrentPasswordProblemAsync(UserManager<VigilUser> users, VigilUser user, string? password)
    {
        if (await users.IsLockedOutAsync(user))
        {
            return "Too many wrong passwords: the account is locked for a while. Try again later.";
        }

        if (!await users.CheckPasswordAsync(user, password ?? ""))
        {
            await users.AccessFailedAsync(user);
            return "The current password is wrong.";
        }

        return null;
    }

    private async Task<VigilUser?> SignedInUserAsync() =>
        User.Identity?.IsAuthenticated == true ? await users.GetUserAsync(User) : null;
}
