using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Vigil.Server.Features.Identity.Pages;

/// <summary>What the hosted pages share: the return URL (local paths only) and the answer to too many attempts.</summary>
internal abstract class AccountPageModel : PageModel
{
    /// <summary>Where to go after signing in; only a local path is ever followed (no open redirect).</summary>
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? Error { get; protected set; }

    protected string SafeReturnUrl(string? candidate = null)
    {
        var url = candidate ?? ReturnUrl;
        return !string.IsNullOrEmpty(url) && Url.IsLocalUrl(url) ? url : SignInFlow.DefaultReturnUrl;
    }

    protected IActionResult TooManyAttempts()
    {
        Response.StatusCode = StatusCodes.Status429TooManyRequests;
        Response.Headers.RetryAfter = "60";
        Error = "Too many attempts from your network. Wait a minute, then try again.";
        return Page();
    }
}
