using Microsoft.EntityFrameworkCore;
using Vigil.Server.Hosting;
using Vigil.Server.Storage;
using Vigil.Server.Tests.Support;

namespace Vigil.Server.Tests.Storage;

public sealed class MigrationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(StorageProviders.All), MemberType = typeof(StorageProviders))]
    public async Task The_model_has_no_changes_missing_from_the_provider_migrations(string provider)
    {
        await using var vigil = await TestVigil.StartAsync(provider, cancellationToken: Ct);

        var pending = await vigil.InScopeAsync<VigilDbContext, bool>(db => Task.FromResult(db.Database.HasPendingModelChanges()));

        Assert.False(pending, $"The entity model changed without a migration for {provider}: run scripts/add-migration.sh <Name>");
    }

    [Theory]
    [MemberData(nameof(StorageProviders.All), MemberType = typeof(StorageProviders))]
    public async Task A_fresh_database_gets_every_migration_and_a_second_run_applies_none(string provider)
    {
        await using var vigil = await TestVigil.StartAsync(provider, cancellationToken: Ct);
        var migrator = vigil.Services.GetRequiredService<DatabaseMigrator>();

        var again = await migrator.MigrateAsync(Ct);
        var applied = await vigil.InScopeAsync<VigilDbContext, List<string>>(async db => (await db.Database.GetAppliedMigrationsAsync(Ct)).ToList());
        var known = await vigil.InScopeAsync<VigilDbContext, List<string>>(db => Task.FromResult(db.Database.GetMigrations().ToList()));

        Assert.Empty(again);
        Assert.NotEmpty(applied);
        Assert.Equal(known, applied);
    }

    [Theory]
    [MemberData(nameof(StorageProviders.All), MemberType = typeof(StorageProviders))]
    public async Task A_database_with_migrations_this_build_does_not_know_is_refused_with_a_message_naming_them(string provider)
    {
        await using var vigil = await TestVigil.StartAsync(provider, cancellationToken: Ct);
        await vigil.InScopeAsync<VigilDbContext, int>(db => db.Database.ExecuteSqlRawAsync(
            "INSERT INTO \"__EFMigrationsHistory\" (\"MigrationId\", \"ProductVersion\") VALUES ('20261123132151_AddAccessKeys', '10.0.0')", Ct));

        var error = await Assert.ThrowsAsync<StartupException>(() => vigil.Services.GetRequiredService<DatabaseMigrator>().MigrateAsync(Ct));

        Assert.Contains("20261123132151_AddAccessKeys", error.Message, StringComparison.Ordinal);
        Assert.Contains("new database", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sqlite_databases_use_write_ahead_logging_so_commands_can_run_beside_the_server()
    {
        await using var vigil = await TestVigil.StartAsync("Sqlite", cancellationToken: Ct);

        var mode = await vigil.InScopeAsync<VigilDbContext, string>(async db =>
        {
            await db.Database.OpenConnectionAsync(Ct);
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = "PRAGMA journal_mode;";
            return (string)(await command.ExecuteScalarAsync(Ct))!;
        });

        Assert.Equal("wal", mode);
    }

    [Fact]
    public async Task Several_processes_initialising_one_data_directory_at_once_share_one_ca()
    {
        using var data = new TempDirectory("data");

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => VigilExecutable.RunAsync(data.Path, ["ca", "export"], cancellationToken: Ct)));

        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.StandardError));
        Assert.Single(results.Select(r => r.StandardOutput).Distinct());
    }
}
