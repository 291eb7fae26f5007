namespace Vigil.TestSupport;

/// <summary>
/// Two Vigil nodes in cluster mode, in this process: one PostgreSQL database, the test Redis
/// (<c>Cluster:Redis</c>), their own data directories and ports. Node 2 starts with node 1's keys (what
/// <c>vigil cluster export-keys</c>/<c>import-keys</c> carry), so each accepts what the other signed.
/// </summary>
internal sealed class ClusterNodes : IAsyncDisposable
{
    private ClusterNodes(RunningVigil node1, RunningVigil node2)
    {
        Node1 = node1;
        Node2 = node2;
    }

    public RunningVigil Node1 { get; }

    public RunningVigil Node2 { get; }

    public static async Task<ClusterNodes> StartAsync(CancellationToken cancellationToken, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        var cluster = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>()) { ["Cluster:Redis"] = Requirements.Redis() };
        var node1 = await RunningVigil.StartAsync("Postgres", cluster, services, cancellationToken: cancellationToken);
        try
        {
            // The Data Protection key ring gets its first key on first use; node 2 must get that key.
            node1.App.Services.GetRequiredService<Microsoft.AspNetCore.DataProtection.IDataProtectionProvider>().CreateProtector("cluster-test").Protect([1]);
            var second = new Dictionary<string, string?>(cluster)
            {
                ["Storage:Provider"] = "Postgres",
                ["Storage:ConnectionString"] = node1.Postgres!.ConnectionString,
            };
            var node2 = await RunningVigil.StartAsync("Sqlite", second, services, data => CopyKeys(node1.DataPath, data), cancellationToken: cancellationToken);
            return new ClusterNodes(node1, node2);
        }
        catch
        {
            await node1.DisposeAsync();
            throw;
        }
    }

    /// <summary>The key files of a data directory (keys/, pki/), copied as an operator would copy them.</summary>
    public static void CopyKeys(string from, string to)
    {
        foreach (var folder in new[] { "keys", "pki" })
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(from, folder), "*", SearchOption.AllDirectories))
            {
                var target = Path.Combine(to, Path.GetRelativePath(from, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Node2.DisposeAsync();
        await Node1.DisposeAsync();
    }
}
