using Microsoft.AspNetCore.Identity;

namespace Vigil.Server.Features.Identity;

/// <summary>
/// An account: ASP.NET Core Identity's user (email as user name, password hash, lockout, TOTP
/// flag, security stamp) plus what Vigil's sign-in rules need.
/// </summary>
internal sealed class VigilUser : IdentityUser<Guid>
{
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The password was set by an admin (or reset) and must be replaced at the next sign-in.</summary>
    public bool MustChangePassword { get; set; }

    /// <summary>When a temporary password stops working (it can then only be reset by an admin).</summary>
    public DateTimeOffset? TemporaryPasswordExpiresAt { get; set; }

    /// <summary>Set by <c>vigil user disable</c>: the account cannot sign in, refresh or call the API.</summary>
    public DateTimeOffset? DisabledAt { get; set; }

    /// <summary>
    /// The RFC 6238 time step of the last TOTP code accepted. A code for this step or an earlier
    /// one is refused, so an observed code cannot be replayed within its validity window.
    /// </summary>
    public long? LastTotpTimeStep { get; set; }
}
