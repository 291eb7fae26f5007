using System.Net.Mail;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using Vigil.Server.Features.Cluster;
using Vigil.Server.Storage;

namespace Vigil.Server.Features.Identity;

/// <summary>
/// Account administration (the <c>vigil user</c> commands, sign-up and password changes): every
/// change to an account's password, MFA or status goes through here, so each one also rotates
/// the security stamp (ending browser sessions) and, where it takes access away, revokes the
/// account's OAuth tokens.
/// </summary>
internal sealed class UserAccounts(
    UserManager<VigilUser> users,
    RoleManager<IdentityRole<Guid>> roleManager,
    VigilDbContext db,
    IOpenIddictTokenManager tokens,
    IOpenIddictAuthorizationManager authorizations,
    IOptions<IdentityOptions> options,
    RevocationNotice revocations,
    TimeProvider time)
{
    public const int MaxEmailLength = 256;

    /// <summary>Creates an account with a temporary password (generated when null) that must be changed at first sign-in.</summary>
    public async Task<(VigilUser User, string TemporaryPassword)> CreateWithTemporaryPasswordAsync(string email, bool admin, string? temporaryPassword, CancellationToken cancellationToken)
    {
        var password = temporaryPassword ?? TemporaryPassword.Generate();
        var user = await CreateAsync(email, admin, password, mustChangePassword: true, cancellationToken);
        return (user, password);
    }

    /// <summary>Creates an account; throws <see cref="AccountException"/> naming what is wrong.</summary>
    public async Task<VigilUser> CreateAsync(string email, bool admin, string password, bool mustChangePassword, CancellationToken cancellationToken)
    {
        var address = NormalizeEmail(email);
        var now = time.GetUtcNow();
        var user = new VigilUser
        {
            Id = Guid.CreateVersion7(now),
            UserName = address,
            Email = address,
            CreatedAt = now,
            LockoutEnabled = true,
            MustChangePassword = mustChangePassword,
            TemporaryPasswordExpiresAt = mustChangePassword ? now + options.Value.TemporaryPasswordLifetime : null,
        };
        if (await users.FindByEmailAsync(address) is not null)
        {
            throw new AccountException($"an account with email {address} already exists");
        }

        await EnsureRolesAsync(roleManager);
        Check(await users.CreateAsync(user, password), $"cannot create {address}");
        Check(await users.AddToRolesAsync(user, admin ? RoleNames.All : [RoleNames.User]), $"cannot give {address} its roles");
        return user;
    }

    public async Task<VigilUser> FindRequiredAsync(string email, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return await users.FindByEmailAsync(email.Trim())
            ?? throw new AccountException($"no account has email {email.Trim()}");
    }

    /// <summary>
    /// Replaces the password after checking it against the password rules. A temporary password
    /// must be changed at the next sign-in and expires after <c>Identity:TemporaryPasswordLifetime</c>.
    /// </summary>
    public async Task<IdentityResult> SetPasswordAsync(VigilUser user, string password, bool temporary)
    {
        var errors = new List<IdentityError>();
        foreach (var validator in users.PasswordValidators)
        {
            var result = await validator.ValidateAsync(users, user, password);
            errors.AddRange(result.Errors);
        }

        if (errors.Count > 0)
        {
            return IdentityResult.Failed([.. errors]);
        }

        user.PasswordHash = users.PasswordHasher.HashPassword(user, password);
        user.MustChangePassword = temporary;
        user.TemporaryPasswordExpiresAt = temporary ? time.GetUtcNow() + options.Value.TemporaryPasswordLifetime : null;
        user.SecurityStamp = NewSecurityStamp();
        return await users.UpdateAsync(user);
    }

    /// <summary><c>vigil user reset-password</c>: a new temporary password, and the lockout lifted.</summary>
    public async Task<string> ResetPasswordAsync(string email, string? temporaryPassword, CancellationToken cancellationToken)
    {
        var user = await FindRequiredAsync(email, cancellationToken);
        var password = temporaryPassword ?? TemporaryPassword.Generate();
        user.AccessFailedCount = 0;
        user.LockoutEnd = null;
        Check(await SetPasswordAsync(user, password, temporary: true), $"cannot reset the password of {user.Email}");
        await RevokeTokensAsync(user, cancellationToken);
        return password;
    }

    /// <summary><c>vigil user reset-mfa</c>: forgets the authenticator and recovery codes; the next sign-in enrols a new one.</summary>
    public async Task ResetMfaAsync(string email, CancellationToken cancellationToken)
    {
        var user = await FindRequiredAsync(email, cancellationToken);
        Check(await users.RemoveAuthenticationTokenAsync(user, "[AspNetUserStore]", "AuthenticatorKey"), "cannot remove the authenticator");
        Check(await users.RemoveAuthenticationTokenAsync(user, "[AspNetUserStore]", "RecoveryCodes"), "cannot remove the recovery codes");
        user.TwoFactorEnabled = false;
        user.LastTotpTimeStep = null;
        user.SecurityStamp = NewSecurityStamp();
        Check(await users.UpdateAsync(user), $"cannot reset MFA of {user.Email}");
        await RevokeTokensAsync(user, cancellationToken);
    }

    /// <summary>Returns false when the account was already disabled.</summary>
    public async Task<bool> DisableAsync(string email, CancellationToken cancellationToken)
    {
        var user = await FindRequiredAsync(email, cancellationToken);
        if (user.DisabledAt is not null)
        {
            return false;
        }

        user.DisabledAt = time.GetUtcNow();
        user.SecurityStamp = NewSecurityStamp();
        Check(await users.UpdateAsync(user), $"cannot disable {user.Email}");
        await RevokeTokensAsync(user, cancellationToken);
        await revocations.AnnounceAsync(cancellationToken);
        return true;
    }

    /// <summary>Returns false when the account was not disabled.</summary>
    public async Task<bool> EnableAsync(string email, CancellationToken cancellationToken)
    {
        var user = await FindRequiredAsync(email, cancellationToken);
        if (user.DisabledAt is null)
        {
            return false;
        }

        user.DisabledAt = null;
        Check(await users.UpdateAsync(user), $"cannot enable {user.Email}");
        return true;
    }

    public async Task<IReadOnlyList<AccountListing>> ListAsync(CancellationToken cancellationToken)
    {
        var accounts = await db.Set<VigilUser>().AsNoTracking().ToListAsync(cancellationToken);
        var roles = await (
            from link in db.Set<IdentityUserRole<Guid>>()
            join role in db.Set<IdentityRole<Guid>>() on link.RoleId equals role.Id
            select new { link.UserId, role.Name }).ToListAsync(cancellationToken);
        var now = time.GetUtcNow();
        return accounts
            .OrderBy(u => u.Email, StringComparer.OrdinalIgnoreCase)
            .Select(u => new AccountListing(
                u.Id,
                u.Email ?? "",
                roles.Where(r => r.UserId == u.Id).Select(r => r.Name!).Order(StringComparer.Ordinal).ToList(),
                u.TwoFactorEnabled,
                u.MustChangePassword,
                u.CreatedAt,
                u.DisabledAt,
                u.LockoutEnd is { } end && end > now ? end : null))
            .ToList();
    }

    /// <summary>Ends every OAuth grant of the account: refresh tokens stop working, and with them the client's session.</summary>
    public async Task RevokeTokensAsync(VigilUser user, CancellationToken cancellationToken)
    {
        var subject = user.Id.ToString();
        await authorizations.RevokeBySubjectAsync(subject, cancellationToken);
        await tokens.RevokeBySubjectAsync(subject, cancellationToken);
    }

    public static string NormalizeEmail(string email)
    {
        var trimmed = email.Trim();
        if (trimmed.Length == 0 || trimmed.Length > MaxEmailLength || !MailAddress.TryCreate(trimmed, out var address) || address.Address != trimmed || address.DisplayName.Length > 0)
        {
            throw new AccountException($"'{email}' is not an email address");
        }

        return trimmed;
    }

    /// <summary>The two roles exist (created with the first account; several processes may race).</summary>
    private static async Task EnsureRolesAsync(RoleManager<IdentityRole<Guid>> roles)
    {
        foreach (var name in RoleNames.All)
        {
            if (await roles.RoleExistsAsync(name))
            {
                continue;
            }

            try
            {
                await roles.CreateAsync(new IdentityRole<Guid>(name) { Id = Guid.CreateVersion7() });
            }
            catch (DbUpdateException)
            {
                // Another node may have created it at the same moment; anything else is a real failure.
                if (!await roles.RoleExistsAsync(name))
                {
                    throw;
                }
            }
        }
    }

    private static string NewSecurityStamp() => Convert.ToHexString(RandomNumberGenerator.GetBytes(20));

    private static void Check(IdentityResult result, string what)
    {
        if (!result.Succeeded)
        {
            throw new AccountException($"{what}: {string.Join(" ", result.Errors.Select(e => e.Description))}");
        }
    }
}
