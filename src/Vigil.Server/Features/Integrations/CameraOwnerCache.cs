using System.Collections.Concurrent;
using Vigil.Server.Features.Cameras;

namespace Vigil.Server.Features.Integrations;

/// <summary>
/// Which account owns each camera, for the broker's per-message checks of owner-scoped
/// integrations. A camera's owner never changes, so an answer is kept for good (a deleted camera's
/// included: its discovery entry's removal still reaches its owner). The first question loads
/// every camera; a camera unknown here (added since, perhaps by <c>vigil cameras</c> in another
/// process) is looked up on its own, so a new camera's first message is not lost.
/// </summary>
internal sealed class CameraOwnerCache(IServiceScopeFactory scopes)
{
    private readonly ConcurrentDictionary<Guid, Guid> _owners = new();
    private int _loaded;

    public async ValueTask<Guid?> OwnerOfAsync(Guid cameraId, CancellationToken cancellationToken)
    {
        if (_owners.TryGetValue(cameraId, out var known))
        {
            return known;
        }

        await using var scope = scopes.CreateAsyncScope();
        var cameras = scope.ServiceProvider.GetRequiredService<CameraDirectory>();
        if (Interlocked.Exchange(ref _loaded, 1) == 0)
        {
            foreach (var (id, owner) in await cameras.OwnersAsync(cancellationToken))
            {
                _owners.TryAdd(id, owner);
            }

            if (_owners.TryGetValue(cameraId, out known))
            {
                return known;
            }
        }

        if (await cameras.OwnerOfAsync(cameraId, cancellationToken) is { } found)
        {
            _owners.TryAdd(cameraId, found);
            return found;
        }

        return null;
    }
}
