using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Vigil.Server.Features.Identity.Pages;

/// <summary>
/// Self-service sign-up, only when <c>Identity:AllowSignUp</c> is on. An address that already
/// has an account gets the same answer as a new one (and nothing changes), in about the same time
/// (one password hash either way), so the page cannot be used to find out who has an account.
/// </summary>
[AllowAnonymous] // checks the pending or signed-in session itself
internal sealed class SignUpModel(
    UserAccounts accounts,
    UserManager<VigilUser> users,
    SignInThrottle throttle,
    PasswordTimingDecoy decoy,
    IOptions<IdentityOptions> options) : AccountPageModel
{
    [BindProperty]
    public string? Email { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    [BindProperty]
    public string? ConfirmPassword { get; set; }

    public IActionResult OnGet() => options.Value.AllowSignUp ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync()
    {
        if (!options.Value.AllowSignUp)
        {
            return NotFound();
        }

        if (!await throttle.TryAcquireAsync(HttpContext.Connection.RemoteIpAddress, HttpContext.RequestAborted))
        {
            return TooManyAttempts();
        }

        string email;
        try
        {
            email = UserAccounts.NormalizeEmail(Email ?? "");
        }
        catch (AccountException)
        {
            Error = "Enter a valid email address.";
            return Page();
        }

        var password = Password ?? "";
        if (password != ConfirmPassword)
        {
            Error = "The two passwords differ.";
            return Page();
        }

        var candidate = new VigilUser { Email = email, UserName = email };
        var problems = new List<string>();
        foreach (var validator in users.PasswordValidators)
        {
            problems.AddRange((await validator.ValidateAsync(users, candidate, password)).Errors.Select(e => e.Description));
        }

        if (problems.Count > 0)
        {
            Error = string.Join(" ", problems);
            return Page();
        }

        try
        {
            await accounts.CreateAsync(email, admin: false, password, mustChangePassword: false, HttpContext.RequestAborted);
        }
        catch (AccountException)
        {
            // Already registered (or registered a moment ago): answer as for a new account, after
            // the same password hash work a new account costs, so the time does not tell either.
            decoy.Verify(password);
        }

        return RedirectToPage("SignIn", new { created = true });
    }
}
