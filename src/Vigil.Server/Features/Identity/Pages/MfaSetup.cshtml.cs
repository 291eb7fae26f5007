using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using QRCoder;

namespace Vigil.Server.Features.Identity.Pages;

/// <summary>
/// TOTP enrolment: at the first sign-in (a pending sign-in at <see cref="SignInStage.EnrollMfa"/>)
/// or later by a signed-in user who has none. The secret is created on the first visit and kept
/// until a code from it is verified; then MFA is on and ten recovery codes are shown, once.
/// </summary>
[AllowAnonymous] // checks the pending or signed-in session itself
internal sealed class MfaSetupModel(
    SignInFlow flow,
    SignInThrottle throttle,
    UserManager<VigilUser> users,
    SignInManager<VigilUser> signIns) : AccountPageModel
{
    public const string Issuer = "Vigil";
    public const int RecoveryCodeCount = 10;

    [BindProperty]
    public string? Code { get; set; }

    public string? FormattedSecret { get; private set; }

    public string? QrCodeDataUri { get; private set; }

    public IReadOnlyList<string>? RecoveryCodes { get; private set; }

    public string ContinueUrl { get; private set; } = SignInFlow.DefaultReturnUrl;

    public async Task<IActionResult> OnGetAsync()
    {
        var (user, _) = await EnrollingUserAsync();
        if (user is null)
        {
            return RedirectToPage("SignIn");
        }

        await ShowSecretAsync(user);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var (user, pending) = await EnrollingUserAsync();
        if (user is null)
        {
            return RedirectToPage("SignIn");
        }

        if (!await throttle.TryAcquireAsync(HttpContext.Connection.RemoteIpAddress, HttpContext.RequestAborted))
        {
            await ShowSecretAsync(user);
            return TooManyAttempts();
        }

        if (!await flow.VerifyTotpAsync(user, Code ?? ""))
        {
            Error = "That code is not right. Check the app's clock is correct, wait for the next code and try again.";
            await ShowSecretAsync(user);
            return Page();
        }

        await users.SetTwoFactorEnabledAsync(user, true);
        RecoveryCodes = [.. await users.GenerateNewTwoFactorRecoveryCodesAsync(user, RecoveryCodeCount) ?? []];
        if (pending is not null)
        {
            ContinueUrl = await flow.AdvanceAsync(HttpContext, user, mfaVerified: true, SafeReturnUrl(pending.ReturnUrl), "otp");
        }
        else
        {
            // Turning MFA on rotated the security stamp; keep this browser's session valid.
            await signIns.RefreshSignInAsync(user);
        }

        return Page();
    }

    private async Task<(VigilUser? User, PendingSignIn? Pending)> EnrollingUserAsync()
    {
        if (await flow.GetPendingAsync(HttpContext, SignInStage.EnrollMfa) is { } found)
        {
            return (found.User, found.Pending);
        }

        if (User.Identity?.IsAuthenticated == true && await users.GetUserAsync(User) is { TwoFactorEnabled: false } signedIn)
        {
            return (signedIn, null);
        }

        return (null, null);
    }

    private async Task ShowSecretAsync(VigilUser user)
    {
        var secret = await users.GetAuthenticatorKeyAsync(user);
        if (string.IsNullOrEmpty(secret))
        {
            await users.ResetAuthenticatorKeyAsync(user);
            secret = await users.GetAuthenticatorKeyAsync(user) ?? throw new InvalidOperationException("The authenticator key was not stored.");
            if (User.Identity?.IsAuthenticated == true)
            {
                await signIns.RefreshSignInAsync(user);
            }
        }

        FormattedSecret = string.Join(' ', secret.Chunk(4).Select(c => new string(c)));
        var uri = TotpVerifier.AuthenticatorUri(Issuer, user.Email ?? user.Id.ToString(), secret);
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(uri, QRCodeGenerator.ECCLevel.M);
        QrCodeDataUri = "data:image/png;base64," + Convert.ToBase64String(new PngByteQRCode(data).GetGraphic(4));
    }
}
