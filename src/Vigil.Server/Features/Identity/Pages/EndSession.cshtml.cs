using Microsoft.AspNetCore.Authorization;

namespace Vigil.Server.Features.Identity.Pages;

/// <summary>
/// The confirmation of an RP-initiated logout that did not prove it came from the signed-in
/// user's app (no matching <c>id_token_hint</c>): a form post, anti-forgery checked, back to
/// <c>/connect/endsession</c> with the request's parameters, so a link or a form on another site
/// cannot sign anyone out.
/// </summary>
[AllowAnonymous] // checks the pending or signed-in session itself
internal sealed class EndSessionModel : AccountPageModel
{
    public IReadOnlyList<(string Name, string Value)> Parameters { get; private set; } = [];

    public void OnGet() =>
        Parameters = [.. Request.Query.Where(p => p.Key != "__RequestVerificationToken").SelectMany(p => p.Value.Select(v => (p.Key, v ?? "")))];
}
