using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Vigil.Server.Features.Identity;

/// <summary>
/// The sign-in state machine behind the hosted pages: password → (MFA check) → (new password)
/// → (MFA enrolment) → signed in. Every failure looks the same from outside (unknown email,
/// wrong password, locked, disabled, expired temporary password), and wrong passwords and
/// wrong codes share one lockout counter, reset only when a sign-in completes.
/// </summary>
internal sealed partial class SignInFlow(
    UserManager<VigilUser> users,
    SignInManager<VigilUser> signIns,
    TotpVerifier totp,
    PasswordTimingDecoy decoy,
    IOptions<IdentityOptions> options,
    TimeProvider time,
    ILogger<SignInFlow> logger)
{
    public const string PendingScheme = "Vigil.Pending";
    public const string DefaultReturnUrl = "/account";

    private const string StageClaim = "vigil:stage";
    private const string MfaVerifiedClaim = "vigil:mfa";
    private const string ReturnUrlClaim = "vigil:return";

    /// <summary>The account when the password is right and the account may sign in; null otherwise, for whatever reason.</summary>
    public async Task<VigilUser?> CheckPasswordAsync(string email, string password)
    {
        var user = await users.FindByEmailAsync(email.Trim());
        if (user is null)
        {
            decoy.Verify(password);
            Log.UnknownAccount(logger);
            return null;
        }

        // Lockout and status are checked after the hash so that every refusal costs the same time.
        var lockedOut = await users.IsLockedOutAsync(user);
        var correct = await users.CheckPasswordAsync(user, password);
        if (user.DisabledAt is not null)
        {
            Log.Refused(logger, user.Id, "account disabled");
            return null;
        }

        if (lockedOut)
        {
            Log.Refused(logger, user.Id, "account locked out");
            return null;
        }

        if (!correct)
        {
            await CountFailureAsync(user);
            return null;
        }

        if (user.MustChangePassword && user.TemporaryPasswordExpiresAt is { } expires && expires <= time.GetUtcNow())
        {
            Log.Refused(logger, user.Id, "temporary password expired");
            return null;
        }

        return user;
    }

    /// <summary>Where the browser goes next: the page of the next step, or <paramref name="returnUrl"/> once signed in.</summary>
    public async Task<string> AdvanceAsync(HttpContext context, VigilUser user, bool mfaVerified, string returnUrl, string? amr = null)
    {
        var stage = NextStage(user, mfaVerified);
        if (stage is null)
        {
            await CompleteAsync(context, user, mfaVerified ? amr ?? "otp" : null);
            return returnUrl;
        }

        var identity = new ClaimsIdentity(PendingScheme);
        identity.AddClaim(new Claim(ClaimTypes.NameIdentifier, user.Id.ToString()));
        identity.AddClaim(new Claim(StageClaim, stage.Value.ToString()));
        identity.AddClaim(new Claim(MfaVerifiedClaim, mfaVerified ? "1" : "0"));
        identity.AddClaim(new Claim(ReturnUrlClaim, returnUrl));
        await context.SignInAsync(PendingScheme, new ClaimsPrincipal(identity));
        return PageOf(stage.Value);
    }

    public SignInStage? NextStage(VigilUser user, bool mfaVerified)
    {
        if (user.TwoFactorEnabled && !mfaVerified)
        {
            return SignInStage.VerifyMfa;
        }

        if (user.MustChangePassword)
        {
            return SignInStage.ChangePassword;
        }

        return !user.TwoFactorEnabled && options.Value.RequireMfa ? SignInStage.EnrollMfa : null;
    }

    public static string PageOf(SignInStage stage) => stage switch
    {
        SignInStage.VerifyMfa => "/account/mfa",
        SignInStage.ChangePassword => "/account/password",
        SignInStage.EnrollMfa => "/account/mfa/setup",
        _ => throw new ArgumentOutOfRangeException(nameof(stage)),
    };

    /// <summary>The pending sign-in of this browser when it is at <paramref name="stage"/>, with its account.</summary>
    public async Task<(PendingSignIn Pending, VigilUser User)?> GetPendingAsync(HttpContext context, SignInStage stage)
    {
        var result = await context.AuthenticateAsync(PendingScheme);
        if (!result.Succeeded
            || !Guid.TryParse(result.Principal.FindFirstValue(ClaimTypes.NameIdentifier), out var id)
            || !Enum.TryParse<SignInStage>(result.Principal.FindFirstValue(StageClaim), out var current)
            || current != stage)
        {
            return null;
        }

        var user = await users.FindByIdAsync(id.ToString());
        if (user is null || user.DisabledAt is not null)
        {
            return null;
        }

        var pending = new PendingSignIn(id, current, result.Principal.FindFirstValue(MfaVerifiedClaim) == "1", result.Principal.FindFirstValue(ReturnUrlClaim) ?? DefaultReturnUrl);
        return (pending, user);
    }

    /// <summary>
    /// Checks a TOTP code: right for now ±1 step, and for a later step than any code accepted
    /// before (RFC 6238 §5.2: a verifier must not accept the second attempt of a used OTP).
    /// The step is recorded with the account's concurrency stamp, so two simultaneous uses of one
    /// code cannot both succeed. A wrong or reused code counts towards the lockout.
    /// </summary>
    public async Task<bool> VerifyTotpAsync(VigilUser user, string code)
    {
        if (await users.IsLockedOutAsync(user))
        {
            Log.Refused(logger, user.Id, "account locked out");
            return false;
        }

        var secret = await users.GetAuthenticatorKeyAsync(user);
        var step = secret is null ? null : totp.Match(secret, code);
        if (step is null || step <= user.LastTotpTimeStep)
        {
            if (step is not null)
            {
                Log.TotpReplayed(logger, user.Id);
            }

            await CountFailureAsync(user);
            return false;
        }

        user.LastTotpTimeStep = step;
        if (!(await users.UpdateAsync(user)).Succeeded)
        {
            // Someone else changed the account since it was read (most likely the same code
            // used at the same moment): refuse rather than risk accepting a code twice.
            Log.TotpReplayed(logger, user.Id);
            return false;
        }

        return true;
    }

    /// <summary>Checks and uses up a recovery code; a wrong one counts towards the lockout.</summary>
    public async Task<bool> RedeemRecoveryCodeAsync(VigilUser user, string code)
    {
        if (await users.IsLockedOutAsync(user))
        {
            Log.Refused(logger, user.Id, "account locked out");
            return false;
        }

        var normalized = VigilUserStore.Normalize(code);
        if (normalized.Length is > 0 and <= 64 && (await users.RedeemTwoFactorRecoveryCodeAsync(user, normalized)).Succeeded)
        {
            Log.RecoveryCodeUsed(logger, user.Id, await users.CountRecoveryCodesAsync(user));
            return true;
        }

        await CountFailureAsync(user);
        return false;
    }

    private async Task CompleteAsync(HttpContext context, VigilUser user, string? secondFactor)
    {
        await context.SignOutAsync(PendingScheme);
        await users.ResetAccessFailedCountAsync(user);
        List<Claim> amr = [new("amr", "pwd")];
        if (secondFactor is not null)
        {
            amr.Add(new Claim("amr", secondFactor));
        }

        await signIns.SignInWithClaimsAsync(user, isPersistent: false, amr);
        Log.SignedIn(logger, user.Id, secondFactor ?? "none");
    }

    private async Task CountFailureAsync(VigilUser user)
    {
        await users.AccessFailedAsync(user);
        if (await users.IsLockedOutAsync(user))
        {
            Log.LockedOut(logger, user.Id, options.Value.LockoutDuration);
        }
        else
        {
            Log.Refused(logger, user.Id, "wrong password or code");
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4000, Level = LogLevel.Information, Message = "Sign-in refused: no account has the email given")]
        public static partial void UnknownAccount(ILogger logger);

        [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Sign-in refused for account {UserId}: {Reason}")]
        public static partial void Refused(ILogger logger, Guid userId, string reason);

        [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "Account {UserId} locked out for {Duration} after repeated failed sign-ins")]
        public static partial void LockedOut(ILogger logger, Guid userId, TimeSpan duration);

        [LoggerMessage(EventId = 4003, Level = LogLevel.Warning, Message = "Account {UserId}: a TOTP code was used a second time and refused")]
        public static partial void TotpReplayed(ILogger logger, Guid userId);

        [LoggerMessage(EventId = 4004, Level = LogLevel.Information, Message = "Account {UserId} signed in (second factor: {SecondFactor})")]
        public static partial void SignedIn(ILogger logger, Guid userId, string secondFactor);

        [LoggerMessage(EventId = 4005, Level = LogLevel.Information, Message = "Account {UserId} used a recovery code; {Remaining} left")]
        public static partial void RecoveryCodeUsed(ILogger logger, Guid userId, int remaining);
    }
}
