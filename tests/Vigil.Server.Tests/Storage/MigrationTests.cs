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

    [Theory]
    [MemberData(nameof(StorageProviders.All), MemberType = typeof(StorageProviders))]
    public async Task Snapshot_cameras_and_things_stored_before_camera_binding_are_kept_by_its_migration(string provider)
    {
        await using var vigil = await TestVigil.StartAsync(provider, cancellationToken: Ct);
        var (camera, owner, created) = (Guid.NewGuid(), Guid.NewGuid(), new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero));
        await vigil.InScopeAsync<VigilDbContext, int>(async db =>
        {
            var migrator = Microsoft.EntityFrameworkCore.Infrastructure.AccessorExtensions.GetService<Microsoft.EntityFrameworkCore.Migrations.IMigrator>(db);
            var initial = db.Database.GetMigrations().First();
            await migrator.MigrateAsync(initial, Ct);
            var sqlite = provider == "Sqlite";
            string Id(Guid g) => sqlite ? $"'{g.ToString().ToUpperInvariant()}'" : $"'{g}'";
            var at = sqlite
                ? ((long)new Microsoft.EntityFrameworkCore.Storage.ValueConversion.DateTimeOffsetToBinaryConverter().ConvertToProvider(created)!).ToString(System.Globalization.CultureInfo.InvariantCulture)
                : "'2026-12-01T08:00:00Z'";
            var bytes = sqlite ? "x'00'" : "'\\x00'::bytea";
            const string emptyObject = "'{{}}'"; // ExecuteSqlRaw formats the text: {{ }} is a brace
#pragma warning disable EF1002 // literals made above from test values, no input
            await db.Database.ExecuteSqlRawAsync(
                $"""INSERT INTO "SnapshotCameras" ("Id", "Name", "OwnerId", "SmtpUsername", "SmtpPasswordHash", "IngestTokenHash", "UploadTokenHash", "CreatedAt") VALUES ({Id(camera)}, 'Garden', {Id(owner)}, 'cam-abc', {bytes}, {bytes}, {bytes}, {at})""", Ct);
            await db.Database.ExecuteSqlRawAsync(
                $"""INSERT INTO "Things" ("Name", "AttributesJson", "ThingGroupsJson", "Template", "CertificateId", "CreatedAt", "UpdatedAt", "Online", "PresenceVersion") VALUES ('CAM-OLD', {emptyObject}, '[]', 'VigilCameraTemplate', 'abc', {at}, {at}, {(sqlite ? "0" : "false")}, 0)""", Ct);
#pragma warning restore EF1002
            await migrator.MigrateAsync(cancellationToken: Ct);
            return 0;
        });

        var kept = await vigil.InScopeAsync<VigilDbContext, Server.Features.Cameras.Camera>(db => db.Cameras.SingleAsync(c => c.Id == camera, Ct));
        var thing = await vigil.InScopeAsync<VigilDbContext, Server.Features.Devices.Thing>(db => db.Things.SingleAsync(t => t.Name == "CAM-OLD", Ct));

        Assert.Equal(("Garden", owner, "cam-abc", created), (kept.Name, kept.OwnerId, kept.SmtpUsername, kept.CreatedAt));
        Assert.Null(kept.Serial);
        Assert.Equal("CAM-OLD", thing.Serial);
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
