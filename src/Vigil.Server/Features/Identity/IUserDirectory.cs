namespace Vigil.Server.Features.Identity;

/// <summary>
/// Looks accounts up for other features (camera owners, key owners, notification recipients)
/// without touching Identity's tables. Scoped: resolve it from a request or a scope.
/// </summary>
internal interface IUserDirectory
{
    Task<UserSummary?> FindByIdAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>Case-insensitive, as accounts are.</summary>
    Task<UserSummary?> FindByEmailAsync(string email, CancellationToken cancellationToken);

    /// <summary>The account exists and is not disabled (one indexed query; the API checks it on every call).</summary>
    Task<bool> IsActiveAsync(Guid id, CancellationToken cancellationToken);
}
