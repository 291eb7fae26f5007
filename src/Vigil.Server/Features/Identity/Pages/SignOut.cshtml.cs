using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace Vigil.Server.Features.Identity.Pages;

/// <summary>Signing out is a form post (anti-forgery checked), so a link on another site cannot sign anyone out.</summary>
[AllowAnonymous] // checks the pending or signed-in session itself
internal sealed class SignOutModel : AccountPageModel
{
    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        await HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
        await HttpContext.SignOutAsync(SignInFlow.PendingScheme);
        return RedirectToPage("SignIn", new { signedOut = true });
    }
}
