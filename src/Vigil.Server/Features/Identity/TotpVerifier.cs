using OtpNet;

namespace Vigil.Server.Features.Identity;

/// <summary>
/// RFC 6238 TOTP: HMAC-SHA1, 30-second steps, 6 digits (what every authenticator app uses by
/// default). A code is accepted for the current step and one step either side (§5.2: one step of
/// network delay and clock drift); the caller refuses steps already used (replay).
/// </summary>
internal sealed class TotpVerifier(TimeProvider time)
{
    public const int Digits = 6;
    public const int StepSeconds = 30;

    private static readonly VerificationWindow Window = new(previous: 1, future: 1);

    /// <summary>The time step the code belongs to, or null when it is no valid code for now.</summary>
    public long? Match(string base32Secret, string code)
    {
        var digits = new string(code.Where(c => !char.IsWhiteSpace(c)).ToArray());
        if (digits.Length != Digits || !digits.All(char.IsAsciiDigit))
        {
            return null;
        }

        var totp = new Totp(Base32Encoding.ToBytes(base32Secret), StepSeconds, OtpHashMode.Sha1, Digits);
        return totp.VerifyTotp(time.GetUtcNow().UtcDateTime, digits, out var step, Window) ? step : null;
    }

    /// <summary>
    /// The <c>otpauth://</c> URI authenticator apps read from the QR code (Google Authenticator's
    /// Key Uri Format): label <c>Vigil:email</c>, the secret, and the parameters stated explicitly.
    /// </summary>
    public static string AuthenticatorUri(string issuer, string account, string base32Secret) =>
        $"otpauth://totp/{Uri.EscapeDataString(issuer)}:{Uri.EscapeDataString(account)}"
        + $"?secret={base32Secret}&issuer={Uri.EscapeDataString(issuer)}&algorithm=SHA1&digits={Digits}&period={StepSeconds}";
}
