using System.Security.Claims;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Primitives;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Vigil.Server.Features.Identity;

/// <summary>
/// The OpenID Connect endpoints OpenIddict passes through to Vigil once it has validated the
/// request (client, redirect URI, PKCE, scopes, tokens): they decide who the user is and which
/// claims go into the tokens. Discovery, JWKS and revocation are answered by OpenIddict alone.
/// </summary>
internal static class ConnectEndpoints
{
    public static IEndpointRouteBuilder MapConnect(this IEndpointRouteBuilder app)
    {
        // OpenIddict authenticates each of these itself (the client, the code, the token, the cookie).
        var connect = app.MapGroup("/connect").ExcludeFromDescription().AllowAnonymous();
        connect.MapMethods("/authorize", [HttpMethods.Get, HttpMethods.Post], AuthorizeAsync);
        connect.MapPost("/token", ExchangeAsync);
        connect.MapMethods("/userinfo", [HttpMethods.Get, HttpMethods.Post], UserInfoAsync);
        connect.MapMethods("/endsession", [HttpMethods.Get, HttpMethods.Post], (Delegate)EndSessionAsync).DisableAntiforgery();
        return app;
    }

    /// <summary>
    /// Authorization code flow, step 1: the browser arrives with a request OpenIddict has
    /// already checked. Not signed in (or <c>prompt=login</c>, or too old for <c>max_age</c>):
    /// off to the sign-in page, which comes back here. Signed in: the code is issued.
    /// Consent is implicit: every registered client is one of this Vigil's own.
    /// </summary>
    private static async Task<Results<SignInHttpResult, ForbidHttpResult, RedirectHttpResult>> AuthorizeAsync(
        HttpContext context, UserManager<VigilUser> users, TimeProvider time)
    {
        var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("OpenIddict did not handle this authorization request.");
        var cookie = await context.AuthenticateAsync(IdentityConstants.ApplicationScheme);
        var user = cookie.Succeeded ? await users.GetUserAsync(cookie.Principal) : null;
        var tooOld = request.MaxAge is { } maxAge && cookie.Properties?.IssuedUtc is { } issued
            && time.GetUtcNow() - issued > TimeSpan.FromSeconds(maxAge);
        if (user is null || user.DisabledAt is not null || request.HasPromptValue(PromptValues.Login) || tooOld)
        {
            if (request.HasPromptValue(PromptValues.None))
            {
                return Forbid(Errors.LoginRequired, "The user is not signed in.");
            }

            if (cookie.Succeeded)
            {
                await context.SignOutAsync(IdentityConstants.ApplicationScheme);
            }

            // Come back without prompt=login, or the sign-in would loop.
            var parameters = (context.Request.HasFormContentType ? context.Request.Form.ToList() : context.Request.Query.ToList())
                .Where(p => p.Key != Parameters.Prompt)
                .ToList();
            var prompts = request.GetPromptValues().Remove(PromptValues.Login);
            if (!prompts.IsEmpty)
            {
                parameters.Add(KeyValuePair.Create(Parameters.Prompt, new StringValues(string.Join(' ', prompts))));
            }

            var returnUrl = context.Request.PathBase + context.Request.Path + QueryString.Create(parameters);
            return TypedResults.Redirect("/account/signin?returnUrl=" + Uri.EscapeDataString(returnUrl));
        }

        var identity = TokenClaims.Create(user, await users.GetRolesAsync(user), request.GetScopes());
        return TypedResults.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    /// <summary>
    /// Step 2 (and every refresh): OpenIddict has verified the code with its PKCE verifier, or
    /// the refresh token (rotating it; a reused one revokes the grant). Vigil checks the account
    /// can still sign in and refreshes its claims.
    /// </summary>
    private static async Task<Results<SignInHttpResult, ForbidHttpResult>> ExchangeAsync(HttpContext context, UserManager<VigilUser> users)
    {
        var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("OpenIddict did not handle this token request.");
        if (!request.IsAuthorizationCodeGrantType() && !request.IsRefreshTokenGrantType())
        {
            return Forbid(Errors.UnsupportedGrantType, "Only the authorization_code and refresh_token grants are supported.");
        }

        var result = await context.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        var subject = result.Principal?.GetClaim(Claims.Subject);
        var user = subject is null ? null : await users.FindByIdAsync(subject);
        if (result.Principal is null || user is null || user.DisabledAt is not null)
        {
            return Forbid(Errors.InvalidGrant, "The account can no longer sign in.");
        }

        var identity = new ClaimsIdentity(result.Principal.Claims, result.Principal.Identity?.AuthenticationType, Claims.Name, Claims.Role);
        TokenClaims.Refresh(identity, user, await users.GetRolesAsync(user));
        return TypedResults.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static async Task<Results<Ok<UserInfoResponse>, ChallengeHttpResult>> UserInfoAsync(HttpContext context, UserManager<VigilUser> users)
    {
        var result = await context.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        var subject = result.Principal?.GetClaim(Claims.Subject);
        var user = subject is null ? null : await users.FindByIdAsync(subject);
        if (result.Principal is null || user is null || user.DisabledAt is not null)
        {
            return TypedResults.Challenge(
                new AuthenticationProperties(new Dictionary<string, string?>
                {
                    [OpenIddictServerAspNetCoreConstants.Properties.Error] = Errors.InvalidToken,
                    [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = "The account can no longer sign in.",
                }),
                [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        }

        var principal = result.Principal;
        var email = principal.HasScope(Scopes.Email);
        return TypedResults.Ok(new UserInfoResponse(
            user.Id.ToString(),
            email ? user.Email : null,
            email ? user.EmailConfirmed : null,
            principal.HasScope(Scopes.Profile) ? user.Email : null,
            principal.HasScope(Scopes.Roles) ? [.. await users.GetRolesAsync(user)] : null));
    }

    /// <summary>
    /// RP-initiated logout: ends the browser session and returns to the client's registered
    /// post-logout URI (OpenIddict checks it), else to the sign-in page. Only when the request
    /// proves it comes from the signed-in user's app (an <c>id_token_hint</c> OpenIddict validated,
    /// for that user) or is the confirmation form's post (anti-forgery checked); anything else, such
    /// as a link on another site, gets the confirmation page first.
    /// </summary>
    private static async Task<IResult> EndSessionAsync(HttpContext context, IAntiforgery antiforgery)
    {
        var confirmed = HttpMethods.IsPost(context.Request.Method) && context.Request.HasFormContentType && await antiforgery.IsRequestValidAsync(context);
        if (!confirmed && !await HintMatchesSessionAsync(context))
        {
            var parameters = (context.Request.HasFormContentType ? context.Request.Form.ToList() : context.Request.Query.ToList())
                .Where(p => p.Key != "__RequestVerificationToken")
                .SelectMany(p => p.Value.Select(v => new KeyValuePair<string, string?>(p.Key, v)));
            return Results.Redirect("/account/endsession" + QueryString.Create(parameters));
        }

        await context.SignOutAsync(IdentityConstants.ApplicationScheme);
        await context.SignOutAsync(SignInFlow.PendingScheme);
        return TypedResults.SignOut(new AuthenticationProperties { RedirectUri = "/account/signin?signedOut=1" }, [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
    }

    /// <summary>No session to end, or an id_token_hint (validated by OpenIddict) whose subject is the signed-in user.</summary>
    private static async Task<bool> HintMatchesSessionAsync(HttpContext context)
    {
        var session = await context.AuthenticateAsync(IdentityConstants.ApplicationScheme);
        if (!session.Succeeded)
        {
            return true;
        }

        var hint = await context.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        var subject = hint.Principal?.GetClaim(Claims.Subject);
        return subject is not null && subject == session.Principal.FindFirstValue(ClaimTypes.NameIdentifier);
    }

    private static ForbidHttpResult Forbid(string error, string description) =>
        TypedResults.Forbid(
            new AuthenticationProperties(new Dictionary<string, string?>
            {
                [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
                [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
            }),
            [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
}
