using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Options;
using Vigil.Server.Hosting;

namespace Vigil.Server.Storage;

internal static class StorageFeature
{
    // How long a SQLite statement waits for another connection's write lock (this server's or a
    // CLI command's) before it fails.
    private const int SqliteTimeoutSeconds = 30;
    private static readonly SqliteBusyTimeout BusyTimeout = new(TimeSpan.FromSeconds(SqliteTimeoutSeconds));

    public static IServiceCollection AddStorage(this IServiceCollection services)
    {
        services.AddValidatedOptions<StorageOptions>(StorageOptions.Section);
        // Pooled: every MQTT message, API call and presence change uses a scope with a context,
        // and building one from scratch was a measurable share of a provisioning's CPU time.
        services.AddDbContextPool<SqliteVigilDbContext>((sp, options) => options
            .UseSqlite(SqliteConnectionString(sp), sqlite => sqlite.CommandTimeout(SqliteTimeoutSeconds))
            .AddInterceptors(BusyTimeout)
            .ConfigureWarnings(QuietExpectedFailures));
        services.AddDbContextPool<PostgresVigilDbContext>((sp, options) => options
            .UseNpgsql(sp.GetRequiredService<IOptions<StorageOptions>>().Value.ConnectionString)
            .ConfigureWarnings(QuietExpectedFailures));
        services.AddScoped<VigilDbContext>(sp =>
            sp.GetRequiredService<IOptions<StorageOptions>>().Value.Kind switch
            {
                StorageProvider.Postgres => sp.GetRequiredService<PostgresVigilDbContext>(),
                _ => sp.GetRequiredService<SqliteVigilDbContext>(),
            });
        services.AddSingleton<DatabaseMigrator>();
        return services;
    }

    // A failing command throws, and whoever cannot handle the exception logs it. EF's own error
    // log of the same failure is demoted to Debug: the migrator probes for a missing history
    // table on a new PostgreSQL database by letting a query fail, which is not an error.
    private static void QuietExpectedFailures(WarningsConfigurationBuilder warnings) =>
        warnings.Log((RelationalEventId.CommandError, LogLevel.Debug));

    private static string SqliteConnectionString(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<StorageOptions>>().Value;
        if (!string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            return options.ConnectionString;
        }

        var data = services.GetRequiredService<DataDirectory>();
        return new SqliteConnectionStringBuilder
        {
            DataSource = data.PathOf("vigil.db"),
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = SqliteTimeoutSeconds,
        }.ToString();
    }
}
