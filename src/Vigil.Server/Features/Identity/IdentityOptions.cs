using System.ComponentModel.DataAnnotations;

namespace Vigil.Server.Features.Identity;

/// <summary>Section <c>Identity</c>: accounts, MFA, sign-in protection and the OpenID Connect provider.</summary>
internal sealed class IdentityOptions : IValidatableObject
{
    public const string Section = "Identity";

    /// <summary>Lets anyone create an account on <c>/account/signup</c> (off: accounts come from <c>vigil user add</c>).</summary>
    public bool AllowSignUp { get; set; }

    /// <summary>Every account must enrol a TOTP authenticator at its first sign-in and use it at every sign-in.</summary>
    public bool RequireMfa { get; set; } = true;

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Absolute: a session started at sign-in ends after this long, however often it is refreshed.</summary>
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(14);

    /// <summary>How long a temporary password from <c>vigil user add</c> or <c>reset-password</c> works.</summary>
    public TimeSpan TemporaryPasswordLifetime { get; set; } = TimeSpan.FromDays(7);

    [Range(1, 100, ErrorMessage = "must be from 1 to 100")]
    public int LockoutAttempts { get; set; } = 5;

    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Sign-in, MFA and sign-up form posts allowed per client IP address and minute.</summary>
    [Range(1, 100_000, ErrorMessage = "must be from 1 to 100000")]
    public int SignInAttemptsPerMinute { get; set; } = 10;

    /// <summary>
    /// The issuer (<c>iss</c>) of tokens, e.g. <c>https://vigil.home.arpa:8443/</c>. Default: the
    /// address each request came to, which suits one server reached under one name.
    /// </summary>
    public string? Issuer { get; set; }

    /// <summary>
    /// OpenID Connect clients (public, authorization code + PKCE). <c>vigil-web</c> is always
    /// registered; list it here to choose its redirect URIs.
    /// </summary>
    public IList<IdentityClientOptions> Clients { get; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (AccessTokenLifetime < TimeSpan.FromMinutes(1) || AccessTokenLifetime > TimeSpan.FromDays(1))
        {
            yield return new ValidationResult("must be between 00:01:00 and 1.00:00:00", [nameof(AccessTokenLifetime)]);
        }

        if (RefreshTokenLifetime < TimeSpan.FromMinutes(5) || RefreshTokenLifetime > TimeSpan.FromDays(365))
        {
            yield return new ValidationResult("must be between 00:05:00 and 365.00:00:00", [nameof(RefreshTokenLifetime)]);
        }

        if (TemporaryPasswordLifetime < TimeSpan.FromMinutes(5) || TemporaryPasswordLifetime > TimeSpan.FromDays(90))
        {
            yield return new ValidationResult("must be between 00:05:00 and 90.00:00:00", [nameof(TemporaryPasswordLifetime)]);
        }

        if (LockoutDuration < TimeSpan.FromSeconds(1) || LockoutDuration > TimeSpan.FromDays(1))
        {
            yield return new ValidationResult("must be between 00:00:01 and 1.00:00:00", [nameof(LockoutDuration)]);
        }

        if (Issuer is { Length: > 0 } issuer
            && (!Uri.TryCreate(issuer, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps || uri.Query.Length > 0 || uri.Fragment.Length > 0))
        {
            yield return new ValidationResult($"'{issuer}' is not an https URL without query or fragment", [nameof(Issuer)]);
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Clients.Count; i++)
        {
            foreach (var problem in Clients[i].Problems())
            {
                yield return new ValidationResult(problem, [$"{nameof(Clients)}:{i}"]);
            }

            if (Clients[i].ClientId is { } id && !seen.Add(id))
            {
                yield return new ValidationResult($"client id '{id}' is listed twice", [$"{nameof(Clients)}:{i}"]);
            }
        }
    }
}
