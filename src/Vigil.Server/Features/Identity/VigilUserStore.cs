using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Vigil.Server.Storage;

namespace Vigil.Server.Features.Identity;

/// <summary>
/// Identity's EF Core user store, with the two MFA secrets protected at rest instead of stored
/// as plain text in <c>UserTokens</c>: the TOTP secret is encrypted with Data Protection (whose
/// key ring lives in the data directory, not the database), and recovery codes are kept
/// only as SHA-256 hashes (each code has 50 random bits and works only after the password).
/// </summary>
internal sealed class VigilUserStore(VigilDbContext context, IDataProtectionProvider dataProtection, IdentityErrorDescriber? describer = null)
    : UserStore<VigilUser, IdentityRole<Guid>, VigilDbContext, Guid>(context, describer)
{
    private const string InternalProvider = "[AspNetUserStore]";
    private const string AuthenticatorKeyName = "AuthenticatorKey";
    private const string RecoveryCodesName = "RecoveryCodes";

    private readonly IDataProtector _protector = dataProtection.CreateProtector("Vigil.Identity.AuthenticatorKey.v1");

    public override Task SetAuthenticatorKeyAsync(VigilUser user, string key, CancellationToken cancellationToken) =>
        SetTokenAsync(user, InternalProvider, AuthenticatorKeyName, _protector.Protect(key), cancellationToken);

    public override async Task<string?> GetAuthenticatorKeyAsync(VigilUser user, CancellationToken cancellationToken)
    {
        var stored = await GetTokenAsync(user, InternalProvider, AuthenticatorKeyName, cancellationToken);
        return stored is null ? null : _protector.Unprotect(stored);
    }

    public override Task ReplaceCodesAsync(VigilUser user, IEnumerable<string> recoveryCodes, CancellationToken cancellationToken) =>
        SetTokenAsync(user, InternalProvider, RecoveryCodesName, string.Join(';', recoveryCodes.Select(Hash)), cancellationToken);

    public override async Task<bool> RedeemCodeAsync(VigilUser user, string code, CancellationToken cancellationToken)
    {
        var stored = await GetTokenAsync(user, InternalProvider, RecoveryCodesName, cancellationToken) ?? "";
        var hashes = stored.Split(';', StringSplitOptions.RemoveEmptyEntries);
        var candidate = Encoding.ASCII.GetBytes(Hash(code));
        var match = hashes.FirstOrDefault(h => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(h), candidate));
        if (match is null)
        {
            return false;
        }

        await SetTokenAsync(user, InternalProvider, RecoveryCodesName, string.Join(';', hashes.Where(h => h != match)), cancellationToken);
        return true;
    }

    /// <summary>Codes are compared without case, spaces or dashes, as people type them from paper.</summary>
    public static string Normalize(string code) =>
        new(code.Where(c => !char.IsWhiteSpace(c) && c != '-').Select(char.ToUpperInvariant).ToArray());

    private static string Hash(string code) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("vigil/recovery-code/v1\n" + Normalize(code))));
}
