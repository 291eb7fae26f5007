using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using Vigil.Server.Hosting;

namespace Vigil.Server.Storage;

/// <summary>
/// Brings the database schema up to date. Safe to run from several processes at once: EF Core
/// takes a migration lock (a lock table on SQLite, an advisory lock on PostgreSQL).
/// </summary>
internal sealed partial class DatabaseMigrator(IServiceScopeFactory scopes, IOptions<StorageOptions> options, ILogger<DatabaseMigrator> logger)
{
    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
        if (options.Value.Kind == StorageProvider.Sqlite)
        {
            SqliteFileModes.MakePrivate(db.Database.GetConnectionString());
        }

        try
        {
            var known = db.Database.GetMigrations().ToHashSet(StringComparer.Ordinal);
            var unknown = (await db.Database.GetAppliedMigrationsAsync(cancellationToken)).Where(m => !known.Contains(m)).ToList();
            if (unknown.Count > 0)
            {
                // A newer build, or a development build from before the migrations were squashed
                // into one Initial (there is no upgrade path from those): applying this build's
                // migrations on top would fail half-way or corrupt the schema.
                throw new StartupException(
                    $"the {options.Value.Kind} database has schema migrations this version does not know ({string.Join(", ", unknown)}): " +
                    "it was created by a newer or a pre-release build; use that build, or start with a new database");
            }

            var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
            if (pending.Count > 0)
            {
                await db.Database.MigrateAsync(cancellationToken);
                Log.Migrated(logger, options.Value.Kind, pending.Count, pending[^1]);
            }

            if (options.Value.Kind == StorageProvider.Sqlite)
            {
                // WAL lets CLI commands read and write while the server runs; the setting is
                // stored in the database file, so this is needed once, but it is cheap.
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
            }

            return pending;
        }
        catch (Exception e) when (e is DbException or InvalidOperationException && IsConnectionProblem(e))
        {
            throw new StartupException($"cannot open the {options.Value.Kind} database: {Describe(e)}", e);
        }
    }

    private static bool IsConnectionProblem(Exception e) =>
        e is NpgsqlException or SqliteException || e.InnerException is NpgsqlException or SqliteException or System.Net.Sockets.SocketException;

    private static string Describe(Exception e)
    {
        // Never print the connection string: it may hold a password.
        var inner = e;
        while (inner.InnerException is not null && inner is not (NpgsqlException or SqliteException))
        {
            inner = inner.InnerException;
        }

        return inner.Message.ReplaceLineEndings(" ");
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Database ({Provider}) migrated: {Count} migration(s) applied, now at {Latest}")]
        public static partial void Migrated(ILogger logger, StorageProvider provider, int count, string latest);
    }
}
