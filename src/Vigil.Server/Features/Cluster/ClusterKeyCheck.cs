using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Vigil.Server.Hosting;
using Vigil.Server.Storage;

namespace Vigil.Server.Features.Cluster;

/// <summary>
/// In cluster mode, every command and every node start checks that this node's keys are the cluster's: the first
/// node records their fingerprints in the database; a later node whose keys differ refuses to start with one line
/// (instead of, say, issuing device certificates from a second CA). Runs last, after every key exists.
/// </summary>
internal sealed class ClusterKeyCheck(IOptions<ClusterOptions> options, IServiceScopeFactory scopes, ClusterKeys keys, TimeProvider time) : IDataInitializer
{
    public int Order => 1000;

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        var local = keys.Compute();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
        var recorded = await db.ClusterKeys.AsNoTracking().ToDictionaryAsync(k => k.Name, k => k.Fingerprint, cancellationToken);
        var differing = new List<string>();
        foreach (var (name, fingerprint) in local)
        {
            if (!recorded.TryGetValue(name, out var cluster))
            {
                db.ClusterKeys.Add(new ClusterKeyFingerprint { Name = name, Fingerprint = fingerprint, RecordedAt = time.GetUtcNow() });
            }
            else if (name == ClusterKeys.DataProtection)
            {
                // Rotation adds keys: this node may have more than recorded, never fewer.
                var mine = fingerprint.Split(',').ToHashSet(StringComparer.Ordinal);
                if (!cluster.Split(',').All(mine.Contains))
                {
                    differing.Add(name);
                }
                else if (fingerprint != cluster)
                {
                    var row = await db.ClusterKeys.SingleAsync(k => k.Name == name, cancellationToken);
                    row.Fingerprint = string.Join(",", mine.Union(cluster.Split(',')).Order(StringComparer.Ordinal));
                    row.RecordedAt = time.GetUtcNow();
                }
            }
            else if (fingerprint != cluster)
            {
                differing.Add(name);
            }
        }

        if (differing.Count > 0)
        {
            throw new StartupException(
                $"this node's keys differ from the cluster's ({string.Join(", ", differing.Select(ClusterKeys.Describe))}); copy them from a node of the cluster with 'vigil cluster export-keys' there and 'vigil cluster import-keys --replace' here (docs/scale-out.md), or set Signaling:TurnSharedSecret alike");
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another node recorded first (two first starts at once): check against what it recorded.
            db.ChangeTracker.Clear();
            await InitializeAsync(cancellationToken);
        }
    }
}
