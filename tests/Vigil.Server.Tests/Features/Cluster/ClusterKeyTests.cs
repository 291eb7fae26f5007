using Vigil.Server.Features.Credentials;
using Vigil.Server.Hosting;
using Vigil.Server.Tests.Features.Signaling;
using Vigil.TestSupport;

namespace Vigil.Server.Tests.Features.Cluster;

/// <summary>
/// Shared keys in cluster mode: <c>vigil cluster export-keys</c>/<c>import-keys</c> (the real binary) give a new node
/// the cluster's keys, so it accepts what node 1 signed; a node with other keys, or none, refuses to start with one line.
/// </summary>
public sealed class ClusterKeyTests
{
    private const string Passphrase = "correct horse battery staple";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Dictionary<string, string?> ClusterSettings(RunningVigil node1) => new()
    {
        ["Cluster:Redis"] = Requirements.Redis(),
        ["Storage:Provider"] = "Postgres",
        ["Storage:ConnectionString"] = node1.Postgres!.ConnectionString,
    };

    private static Dictionary<string, string?> Environment(Dictionary<string, string?> settings) =>
        settings.ToDictionary(s => VigilHost.EnvironmentPrefix + s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value);

    [Fact]
    public async Task Keys_exported_from_node_1_and_imported_on_node_2_make_node_2_accept_what_node_1_signed()
    {
        await using var node1 = await RunningVigil.StartAsync("Postgres", new Dictionary<string, string?> { ["Cluster:Redis"] = Requirements.Redis() }, cancellationToken: Ct);
        var settings = ClusterSettings(node1);
        using var files = new TempDirectory("cluster-keys");
        var bundle = files.File("keys.bundle");
        var imported = Path.Combine(files.Path, "node2");

        var export = await VigilExecutable.RunAsync(node1.DataPath, ["cluster", "export-keys", "--out", bundle], Environment(settings), Passphrase + "\n", Ct);
        var import = await VigilExecutable.RunAsync(imported, ["cluster", "import-keys", bundle], standardInput: Passphrase + "\n", cancellationToken: Ct);
        Assert.True(export.ExitCode == 0, export.StandardError);
        Assert.True(import.ExitCode == 0, import.StandardError);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(bundle));
        Assert.DoesNotContain("PRIVATE KEY", await File.ReadAllTextAsync(bundle, Ct), StringComparison.Ordinal);

        await using var node2 = await RunningVigil.StartAsync("Sqlite", settings, prepareData: data => ClusterNodes.CopyKeys(imported, data), cancellationToken: Ct);
        var admin = await TestCredentials.AdminKeyAsync(node1);   // its secret is protected by node 1's Data Protection ring
        string arn;
        using (var kvs1 = KvsTestClient.For(node1, admin))
        {
            arn = await kvs1.CreateChannelAsync($"keys-{Guid.NewGuid():N}", Ct);
        }

        using var kvs2 = KvsTestClient.For(node2, admin);
        var described = await kvs2.PostAsync("/describeSignalingChannel", $$"""{"ChannelARN":"{{arn}}"}""", Ct);
        // Temporary credentials issued by node 1 (a session token sealed with its ring) open a socket on node 2.
        var temporary = TestCredentials.Temporary(node1, CredentialPrincipal.User("viewer@example.com"), """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kinesisvideo:*","Resource":"*"}]}""");
        await using var viewer = await SignalingTestSocket.ConnectAsync(node2, temporary, arn, "with-node-1-token", Ct);

        Assert.Equal(200, described.Status);
        Assert.Equal(node1.RootCertificate.Thumbprint, node2.RootCertificate.Thumbprint);
        Assert.Equal(System.Net.WebSockets.WebSocketState.Open, viewer.Socket.State);
    }

    [Fact]
    public async Task A_node_with_other_keys_refuses_to_start_naming_them()
    {
        await using var node1 = await RunningVigil.StartAsync("Postgres", new Dictionary<string, string?> { ["Cluster:Redis"] = Requirements.Redis() }, cancellationToken: Ct);

        var error = await Assert.ThrowsAsync<StartupException>(() => RunningVigil.StartAsync("Sqlite", ClusterSettings(node1), prepareData: data =>
        {
            ClusterNodes.CopyKeys(node1.DataPath, data);
            File.WriteAllText(Path.Combine(data, "keys", "device-secrets.key"), Convert.ToBase64String(new byte[32]) + "\n");
        }, cancellationToken: Ct));

        Assert.StartsWith("this node's keys differ from the cluster's (the device-secret HMAC key (keys/device-secrets.key))", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public async Task A_node_without_keys_refuses_to_start_before_creating_a_second_ca()
    {
        await using var node1 = await RunningVigil.StartAsync("Postgres", new Dictionary<string, string?> { ["Cluster:Redis"] = Requirements.Redis() }, cancellationToken: Ct);
        string? dataPath = null;

        var error = await Assert.ThrowsAsync<StartupException>(() => RunningVigil.StartAsync("Sqlite", ClusterSettings(node1), prepareData: data => dataPath = data, cancellationToken: Ct));

        Assert.StartsWith("this node has none of the cluster's keys", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(dataPath!, "pki", "root-ca.key")));
    }

    [Fact]
    public async Task Import_with_a_wrong_passphrase_imports_nothing()
    {
        await using var node1 = await RunningVigil.StartAsync("Postgres", new Dictionary<string, string?> { ["Cluster:Redis"] = Requirements.Redis() }, cancellationToken: Ct);
        using var files = new TempDirectory("cluster-keys");
        var bundle = files.File("keys.bundle");
        var target = Path.Combine(files.Path, "node2");
        var export = await VigilExecutable.RunAsync(node1.DataPath, ["cluster", "export-keys", "--out", bundle], Environment(ClusterSettings(node1)), Passphrase + "\n", Ct);
        Assert.True(export.ExitCode == 0, export.StandardError);

        var wrong = await VigilExecutable.RunAsync(target, ["cluster", "import-keys", bundle], standardInput: "not the passphrase at all\n", cancellationToken: Ct);
        var damaged = files.File("damaged.bundle");
        await File.WriteAllTextAsync(damaged, (await File.ReadAllTextAsync(bundle, Ct))[..200], Ct);
        var truncated = await VigilExecutable.RunAsync(target, ["cluster", "import-keys", damaged], standardInput: Passphrase + "\n", cancellationToken: Ct);

        Assert.Equal(1, wrong.ExitCode);
        Assert.Equal($"vigil: {bundle}: wrong passphrase, or the bundle was changed; nothing was imported", wrong.StandardError.Trim());
        Assert.Equal(1, truncated.ExitCode);
        Assert.Contains("damaged bundle", truncated.StandardError, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(target, "pki")));
    }

    [Fact]
    public async Task Cluster_mode_on_sqlite_and_an_unreachable_redis_are_refused_with_one_line()
    {
        using var data = new TempDirectory("cluster-config");
        var onSqlite = await VigilExecutable.RunAsync(data.Path, ["ca", "export"], new Dictionary<string, string?> { ["VIGIL__Cluster__Redis"] = Requirements.Redis() }, cancellationToken: Ct);
        await using var postgres = await PostgresDatabase.CreateAsync(Ct);
        var unreachable = await Assert.ThrowsAsync<StartupException>(() => RunningVigil.StartAsync("Sqlite", new Dictionary<string, string?>
        {
            ["Cluster:Redis"] = $"127.0.0.1:{VigilExecutable.FreePort()}",
            ["Cluster:RedisConnectTimeout"] = "00:00:02",
            ["Storage:Provider"] = "Postgres",
            ["Storage:ConnectionString"] = postgres.ConnectionString,
        }, cancellationToken: Ct));

        Assert.Equal(1, onSqlite.ExitCode);
        Assert.Equal("vigil: configuration error: Cluster:Redis: cluster mode needs Storage:Provider=Postgres (a SQLite database is one node's file); use PostgreSQL or remove Cluster:Redis to run one node", onSqlite.StandardError.Trim());
        Assert.StartsWith("Cluster:Redis: cannot connect to Redis at 127.0.0.1:", unreachable.Message, StringComparison.Ordinal);
    }
}
