namespace Vigil.Server.Features.Ingest;

/// <summary>
/// Whether an owner may store more snapshots (Events implements it: it owns the stored events, and
/// depends on Ingest, so Ingest asks through this interface instead of depending back).
/// </summary>
internal interface IOwnerStorageQuota
{
    /// <summary>Why ingest for <paramref name="ownerId"/> is refused now, or null; also wakes retention when the owner is over quota.</summary>
    Task<string?> RefusalAsync(Guid ownerId, CancellationToken cancellationToken);
}
