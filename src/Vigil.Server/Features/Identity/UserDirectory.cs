using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Vigil.Server.Storage;

namespace Vigil.Server.Features.Identity;

internal sealed class UserDirectory(VigilDbContext db, ILookupNormalizer normalizer) : IUserDirectory
{
    public Task<UserSummary?> FindByIdAsync(Guid id, CancellationToken cancellationToken) =>
        FindAsync(db.Set<VigilUser>().Where(u => u.Id == id), cancellationToken);

    public Task<UserSummary?> FindByEmailAsync(string email, CancellationToken cancellationToken)
    {
        var normalized = normalizer.NormalizeEmail(email.Trim());
        return FindAsync(db.Set<VigilUser>().Where(u => u.NormalizedEmail == normalized), cancellationToken);
    }

    public Task<bool> IsActiveAsync(Guid id, CancellationToken cancellationToken) =>
        db.Set<VigilUser>().AnyAsync(u => u.Id == id && u.DisabledAt == null, cancellationToken);

    private async Task<UserSummary?> FindAsync(IQueryable<VigilUser> query, CancellationToken cancellationToken)
    {
        var user = await query.AsNoTracking()
            .Select(u => new { u.Id, u.Email, u.TwoFactorEnabled, u.DisabledAt })
            .SingleOrDefaultAsync(cancellationToken);
        if (user is null)
        {
            return null;
        }

        var roles = await RolesOf(db, user.Id).ToListAsync(cancellationToken);
        return new UserSummary(user.Id, user.Email ?? "", roles, user.TwoFactorEnabled, user.DisabledAt is not null);
    }

    public static IQueryable<string> RolesOf(VigilDbContext db, Guid userId) =>
        from link in db.Set<IdentityUserRole<Guid>>()
        join role in db.Set<IdentityRole<Guid>>() on link.RoleId equals role.Id
        where link.UserId == userId
        orderby role.Name
        select role.Name!;
}
