using Microsoft.AspNetCore.Identity;

namespace Vigil.Server.Features.Identity;

/// <summary>
/// What Identity's length rule (12 characters, set in <see cref="IdentityFeature"/>) does not
/// cover. Following NIST SP 800-63B §5.1.1.2 there are no composition rules (digits, symbols):
/// length is what counts. A password may not be absurdly long (hashing cost) nor contain the
/// part of the account's email address before the @ (when it has 4 characters or more): for
/// demo@vigil.local, "Demo-New-Password" is refused.
/// </summary>
internal sealed class PasswordRules : IPasswordValidator<VigilUser>
{
    public const int MinLength = 12;
    public const int MaxLength = 256;

    public Task<IdentityResult> ValidateAsync(UserManager<VigilUser> manager, VigilUser user, string? password)
    {
        var errors = new List<IdentityError>();
        if (password is { Length: > MaxLength })
        {
            errors.Add(new IdentityError { Code = "PasswordTooLong", Description = $"Passwords must be at most {MaxLength} characters." });
        }

        var local = user.Email?.Split('@')[0];
        if (password is not null && local is { Length: >= 4 } && password.Contains(local, StringComparison.OrdinalIgnoreCase))
        {
            errors.Add(new IdentityError { Code = "PasswordContainsEmail", Description = $"Passwords must not contain \"{local}\", the part of your email address before the @." });
        }

        return Task.FromResult(errors.Count == 0 ? IdentityResult.Success : IdentityResult.Failed([.. errors]));
    }
}
