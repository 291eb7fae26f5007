using Vigil.Server.Hosting;

namespace Vigil.Server.Features.Identity;

/// <summary>
/// What commands of other features need when an operator names an owner by e-mail: the account
/// (or one clear error naming <c>vigil user add</c>), and e-mail addresses for listings that store
/// only account ids.
/// </summary>
internal static class UserDirectoryExtensions
{
    public static async Task<UserSummary> RequireByEmailAsync(this IUserDirectory directory, string email, CancellationToken cancellationToken)
    {
        var trimmed = email.Trim();
        if (trimmed.Length is 0 or > UserAccounts.MaxEmailLength || trimmed.Any(char.IsControl))
        {
            throw new AccountException($"'{DisplayText.Printable(trimmed, 64, "")}' is not an e-mail address");
        }

        return await directory.FindByEmailAsync(trimmed, cancellationToken)
            ?? throw new AccountException($"no account has the e-mail address {trimmed}; create it first with: vigil user add {trimmed}");
    }

    /// <summary>The account behind an optional <c>--owner EMAIL</c> filter: null without one, an error naming <c>vigil user add</c> for an unknown address.</summary>
    public static async Task<Guid?> OwnerFilterAsync(this IUserDirectory directory, string? email, CancellationToken cancellationToken) =>
        email is null ? null : (await directory.RequireByEmailAsync(email, cancellationToken)).Id;

    /// <summary>The current e-mail address of each account (a placeholder naming the id for an account that no longer exists).</summary>
    public static async Task<IReadOnlyDictionary<Guid, string>> EmailsAsync(this IUserDirectory directory, IEnumerable<Guid> ids, CancellationToken cancellationToken)
    {
        var emails = new Dictionary<Guid, string>();
        foreach (var id in ids.Distinct())
        {
            emails[id] = await directory.FindByIdAsync(id, cancellationToken) is { } user ? user.Email : $"(no account {id})";
        }

        return emails;
    }
}
