namespace Vigil.Server.Features.Provisioning;

/// <summary>One node: every connection is this process's, so there is nothing to share or take over.</summary>
internal sealed class LocalPresenceDirectory : IPresenceDirectory
{
    public TimeSpan? SweepInterval => null;

    public Task ConnectedAsync(PresenceEntry entry, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task DisconnectedAsync(string thing, long version, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<(IReadOnlyList<PresenceEntry> Orphans, bool OwnTaken)> SweepAsync(CancellationToken cancellationToken) =>
        Task.FromResult<(IReadOnlyList<PresenceEntry>, bool)>(([], false));
}
