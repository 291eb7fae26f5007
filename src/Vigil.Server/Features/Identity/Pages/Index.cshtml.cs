using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace Vigil.Server.Features.Identity.Pages;

/// <summary>The signed-in user's account page (browser session cookie).</summary>
[Authorize]
internal sealed class IndexModel(UserManager<VigilUser> users, SignInThrottle throttle) : AccountPageModel
{
    /// <summary>The password, asked again before new recovery codes are made (a borrowed, signed-in browser is not enough).</summary>
    [BindProperty]
    public string? Password { get; set; }

    public string Email { get; private set; } = "";

    public IReadOnlyList<string> Roles { get; private set; } = [];

    public bool MfaEnabled { get; private set; }

    public int RecoveryCodesLeft { get; private set; }

    public IReadOnlyList<string>? NewRecoveryCodes { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        var user = await users.GetUserAsync(User);
        if (user is null)
        {
            return RedirectToPage("SignIn");
        }

        await LoadAsync(user);
        return Page();
    }

    public async Task<IActionResult> OnPostRecoveryCodesAsync()
    {
        var user = await users.GetUserAsync(User);
        if (user is null)
        {
            return RedirectToPage("SignIn");
        }

        if (!await throttle.TryAcquireAsync(HttpContext.Connection.RemoteIpAddress, HttpContext.RequestAborted))
        {
            await LoadAsync(user);
            return TooManyAttempts();
        }

        if (await ChangePasswordModel.CurrentPasswordProblemAsync(users, user, Password) is { } problem)
        {
            Error = problem;
        }
        else if (user.TwoFactorEnabled)
        {
            NewRecoveryCodes = [.. await users.GenerateNewTwoFactorRecoveryCodesAsync(user, MfaSetupModel.RecoveryCodeCount) ?? []];
        }

        await LoadAsync(user);
        return Page();
    }

    private async Task LoadAsync(VigilUser user)
    {
        Email = user.Email ?? "";
        Roles = [.. await users.GetRolesAsync(user)];
        MfaEnabled = user.TwoFactorEnabled;
        RecoveryCodesLeft = MfaEnabled ? await users.CountRecoveryCodesAsync(user) : 0;
    }
}
