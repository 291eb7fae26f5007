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
        var node1 = await StartFirstAsync(cancellationToken, settings, services);
        try
        {
            return new ClusterNodes(node1, await JoinAsync(node1, cancellationToken, settings, services));
        }
        catch
        {
            await node1.DisposeAsync();
            throw;
        }
    }

    /// <summary>The first node of a cluster alone (its own PostgreSQL database); <see cref="JoinAsync"/> adds another, when the test wants.</summary>
    public static async Task<RunningVigil> StartFirstAsync(CancellationToken cancellationToken, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        var node1 = await RunningVigil.StartAsync("Postgres", ClusterSettings(settings), services, cancellationToken: cancellationToken);
        try
        {
            // The Data Protection key ring gets its first key on first use; a node that joins must get that key.
            node1.App.Services.GetRequiredService<Microsoft.AspNetCore.DataProtection.IDataProtectionProvider>().CreateProtector("cluster-test").Protect([1]);
            return node1;
        }
        catch
        {
            await node1.DisposeAsync();
            throw;
        }
    }

    /// <summary>Another node of <paramref name="first"/>'s cluster: its database, Redis and keys; its own data directory and ports.</summary>
    public static Task<RunningVigil> JoinAsync(RunningVigil first, CancellationToken cancellationToken, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        var second = ClusterSettings(settings);
        second["Storage:Provider"] = "Postgres";
        second["Storage:ConnectionString"] = first.Postgres!.ConnectionString;
        return RunningVigil.StartAsync("Sqlite", second, services, data => CopyKeys(first.DataPath, data), cancellationToken: cancellationToken);
    }

    private static Dictionary<string, string?> ClusterSettings(IDictionary<string, string?>? settings) =>
        new(settings ?? new Dictionary<string, string?>()) { ["Cluster:Redis"] = Requirements.Redis() };

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
