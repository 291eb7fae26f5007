using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Vigil.Server.Hosting;
using Vigil.Server.Storage;

namespace Vigil.Server.Features.Cluster;

/// <summary>
/// Before any key is created: a cluster node that has none of the cluster's keys refuses to start, rather than
/// creating a CA of its own that the check after would refuse anyway (and leave behind).
/// </summary>
internal sealed class ClusterKeyPrecheck(IOptions<ClusterOptions> options, IServiceScopeFactory scopes, ClusterKeys keys) : IDataInitializer
{
    public int Order => 20;

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.Enabled || !keys.HasNoCertificateAuthority)
        {
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        if (await scope.ServiceProvider.GetRequiredService<VigilDbContext>().ClusterKeys.AnyAsync(cancellationToken))
        {
            throw new StartupException("this node has none of the cluster's keys (no pki/root-ca.key) and the database belongs to a cluster; copy them first: 'vigil cluster export-keys' on a node of the cluster, then 'vigil cluster import-keys' here (docs/scale-out.md)");
        }
    }
}
