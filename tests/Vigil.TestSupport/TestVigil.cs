using Vigil.Server.Hosting;

namespace Vigil.TestSupport;

/// <summary>
/// Vigil's core services (storage, CA, registry; no web server) on a fresh data directory and a
/// fresh database of the chosen provider, initialised as a command would be.
/// </summary>
internal sealed class TestVigil : IAsyncDisposable
{
    private readonly TempDirectory _directory;
    private readonly PostgresDatabase? _postgres;
    private readonly IHost _host;

    private TestVigil(TempDirectory directory, PostgresDatabase? postgres, IHost host, DataDirectory data)
    {
        _directory = directory;
        _postgres = postgres;
        _host = host;
        Data = data;
    }

    public DataDirectory Data { get; }

    public IServiceProvider Services => _host.Services;

    public static async Task<TestVigil> StartAsync(string provider, IDictionary<string, string?>? settings = null, CancellationToken cancellationToken = default)
    {
        var directory = new TempDirectory("data");
        var overrides = await SettingsForAsync(provider, cancellationToken);
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            overrides.Settings[key] = value;
        }

        var data = new DataDirectory(directory.Path);
        var host = VigilHost.BuildCommandHost(data, overrides.Settings);
        VigilHost.ValidateOptions(host.Services);
        await host.Services.GetRequiredService<VigilInitializer>().InitializeAsync(cancellationToken);
        return new TestVigil(directory, overrides.Postgres, host, data);
    }

    /// <summary>The configuration that selects <paramref name="provider"/>, with a new PostgreSQL database when needed.</summary>
    public static async Task<(Dictionary<string, string?> Settings, PostgresDatabase? Postgres)> SettingsForAsync(string provider, CancellationToken cancellationToken)
    {
        var settings = new Dictionary<string, string?> { ["Storage:Provider"] = provider, ["Server:PublicHost"] = "localhost" };
        PostgresDatabase? postgres = null;
        if (provider == "Postgres")
        {
            postgres = await PostgresDatabase.CreateAsync(cancellationToken);
            settings["Storage:ConnectionString"] = postgres.ConnectionString;
        }

        return (settings, postgres);
    }

    /// <summary>Runs <paramref name="action"/> with a service of a fresh scope, as one request or command would.</summary>
    public async Task<TResult> InScopeAsync<TService, TResult>(Func<TService, Task<TResult>> action)
        where TService : notnull
    {
        await using var scope = Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<TService>());
    }

    /// <summary>Drops the PostgreSQL database under the running services, to prove something needs no database.</summary>
    public async Task DropPostgresAsync()
    {
        if (_postgres is null)
        {
            throw new InvalidOperationException("This TestVigil does not run on PostgreSQL.");
        }

        await _postgres.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        _host.Dispose();
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory.Dispose();
    }
}
