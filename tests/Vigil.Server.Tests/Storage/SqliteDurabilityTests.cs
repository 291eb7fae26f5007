using Microsoft.EntityFrameworkCore;
using Vigil.Server.Storage;
using Vigil.TestSupport;

namespace Vigil.Server.Tests.Storage;

public sealed class SqliteDurabilityTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Sqlite_connections_wait_for_another_writer_with_sqlites_own_busy_handler()
    {
        await using var vigil = await TestVigil.StartAsync("Sqlite", cancellationToken: Ct);

        // Without it Microsoft.Data.Sqlite answers a held write lock by sleeping 150 ms per retry.
        var timeout = await vigil.InScopeAsync<VigilDbContext, long>(db => PragmaAsync(db, "busy_timeout"));

        Assert.Equal(30_000, timeout);
    }

    [Fact]
    public async Task Relaxed_writes_skip_the_fsync_only_while_they_run_and_the_pooled_connection_waits_for_the_disk_again()
    {
        await using var vigil = await TestVigil.StartAsync("Sqlite", cancellationToken: Ct);

        var inside = await vigil.InScopeAsync<VigilDbContext, long>(db => db.WithoutWaitingForDiskAsync(async () =>
        {
            var level = await PragmaAsync(db, "synchronous");
            await db.Database.ExecuteSqlRawAsync("CREATE TABLE relaxed_probe (id INTEGER PRIMARY KEY); INSERT INTO relaxed_probe (id) VALUES (1);", Ct);
            return level;
        }));
        var after = await vigil.InScopeAsync<VigilDbContext, long>(db => PragmaAsync(db, "synchronous"));
        var kept = await vigil.InScopeAsync<VigilDbContext, long>(async db => await db.Database.SqlQueryRaw<long>("SELECT count(*) AS Value FROM relaxed_probe").SingleAsync(Ct));

        Assert.Equal(1, inside); // NORMAL
        Assert.Equal(2, after); // FULL, SQLite's default
        Assert.Equal(1, kept);
    }

    [Fact]
    public async Task Relaxed_writes_on_postgres_are_ordinary_writes()
    {
        await using var vigil = await TestVigil.StartAsync("Postgres", cancellationToken: Ct);

        var answer = await vigil.InScopeAsync<VigilDbContext, int>(db => db.WithoutWaitingForDiskAsync(async () =>
            await db.Database.SqlQueryRaw<int>("SELECT 42 AS \"Value\"").SingleAsync(Ct)));

        Assert.Equal(42, answer);
    }

    private static async Task<long> PragmaAsync(VigilDbContext db, string name)
    {
        await db.Database.OpenConnectionAsync(Ct);
        try
        {
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = $"PRAGMA {name};";
            return (long)(await command.ExecuteScalarAsync(Ct))!;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
