using Microsoft.EntityFrameworkCore;

namespace Vigil.Server.Features.Cameras;

/// <summary>Finds the one camera an operator or a user names, by id or by name, within one owner's cameras when an owner is given.</summary>
internal static class CameraLookup
{
    /// <summary>The camera <paramref name="nameOrId"/> names (tracked), or NotFound, or Ambiguous when cameras of different owners share the name.</summary>
    public static async Task<(CameraOutcome Outcome, Camera? Camera, string? Problem)> FindAsync(IQueryable<Camera> cameras, string nameOrId, Guid? ownerId, CancellationToken cancellationToken)
    {
        if (ownerId is { } owner)
        {
            cameras = cameras.Where(c => c.OwnerId == owner);
        }

        var matches = Guid.TryParse(nameOrId, out var id)
            ? await cameras.Where(c => c.Id == id).ToListAsync(cancellationToken)
            : await cameras.Where(c => c.Name == nameOrId).ToListAsync(cancellationToken);
        return matches.Count switch
        {
            1 => (CameraOutcome.Done, matches[0], null),
            0 => (CameraOutcome.NotFound, null, null),
            _ => (CameraOutcome.Ambiguous, null, $"{matches.Count} cameras are named '{nameOrId}'"),
        };
    }
}
