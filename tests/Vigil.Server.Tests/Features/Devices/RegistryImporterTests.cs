using Microsoft.EntityFrameworkCore;
using Vigil.Server.Features.Devices;
using Vigil.Server.Hosting;
using Vigil.Server.Storage;
using Vigil.TestSupport;

namespace Vigil.Server.Tests.Features.Devices;

public sealed class RegistryImporterTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static RegistryRow Row(int line, string serial, string secret = "secret-value", string model = "V1") => new(line, serial, secret, model);

    private static Task<RegistryImportResult> ImportAsync(TestVigil vigil, params RegistryRow[] rows) =>
        vigil.InScopeAsync<RegistryImporter, RegistryImportResult>(i => i.ImportAsync(rows, "test.csv", dryRun: false, Ct));

    private static Task<List<RegistryEntry>> EntriesAsync(TestVigil vigil) =>
        vigil.InScopeAsync<VigilDbContext, List<RegistryEntry>>(db => db.RegistryEntries.AsNoTracking().OrderBy(e => e.Serial).ToListAsync(Ct));

    [Theory]
    [MemberData(nameof(StorageProviders.All), MemberType = typeof(StorageProviders))]
    public async Task New_rows_are_added_with_a_keyed_hash_and_never_the_secret(string provider)
    {
        await using var vigil = await TestVigil.StartAsync(provider, cancellationToken: Ct);

        var result = await ImportAsync(vigil, Row(2, "CAM-1", "secret-one"), Row(3, "CAM-2", "secret-two", "V2"));

        Assert.Equal((2, 0, true), (result.Added, result.Unchanged, result.Committed));
        var entries = await EntriesAsync(vigil);
        Assert.Equal(["CAM-1", "CAM-2"], entries.Select(e => e.Serial));
        Assert.Equal(["V1", "V2"], entries.Select(e => e.Model));
        Assert.All(entries, e => Assert.Equal(result.ImportId, e.ImportId));
        var hasher = vigil.Services.GetRequiredService<DeviceSecretHasher>();
        Assert.True(hasher.Verify("CAM-1", "secret-one", entries[0].SecretHash));
        Assert.False(hasher.Verify("CAM-1", "secret-two", entries[0].SecretHash));
        if (provider == "Sqlite")
        {
            foreach (var file in Directory.EnumerateFiles(vigil.Data.Root, "vigil.db*"))
            {
                Assert.DoesNotContain("secret-one", await File.ReadAllTextAsync(file, Ct), StringComparison.Ordinal);
            }
        }
    }

    [Theory]
    [MemberData(nameof(StorageProviders.All), MemberType = typeof(StorageProviders))]
    public async Task Reimporting_identical_rows_is_idempotent_and_counts_them_unchanged(string provider)
    {
        await using var vigil = await TestVigil.StartAsync(provider, cancellationToken: Ct);
        await ImportAsync(vigil, Row(2, "CAM-1"), Row(3, "CAM-2"));

        var again = await ImportAsync(vigil, Row(2, "CAM-1"), Row(3, "CAM-2"), Row(4, "CAM-3"));

        Assert.Equal((1, 2, true), (again.Added, again.Unchanged, again.Committed));
        Assert.Equal(3, (await EntriesAsync(vigil)).Count);
    }

    [Theory]
    [MemberData(nameof(StorageProviders.All), MemberType = typeof(StorageProviders))]
    public async Task A_conflicting_row_imports_nothing_and_names_its_line(string provider)
    {
        await using var vigil = await TestVigil.StartAsync(provider, cancellationToken: Ct);
        await ImportAsync(vigil, Row(2, "CAM-1", "secret-one"), Row(3, "CAM-2", "secret-two", "V1"));

        var result = await ImportAsync(vigil, Row(2, "CAM-3"), Row(3, "CAM-1", "other-secret"), Row(4, "CAM-2", "secret-two", "V9"));

        Assert.False(result.Committed);
        Assert.Equal((1, 0), (result.Added, result.Unchanged));
        Assert.Equal([3, 4], result.Conflicts.Select(c => c.Line));
        Assert.Contains("different secret", result.Conflicts[0].Reason, StringComparison.Ordinal);
        Assert.Contains("as model 'V1', not 'V9'", result.Conflicts[1].Reason, StringComparison.Ordinal);
        Assert.Equal(["CAM-1", "CAM-2"], (await EntriesAsync(vigil)).Select(e => e.Serial));
    }

    [Theory]
    [MemberData(nameof(StorageProviders.All), MemberType = typeof(StorageProviders))]
    public async Task A_dry_run_reports_what_would_change_and_writes_nothing(string provider)
    {
        await using var vigil = await TestVigil.StartAsync(provider, cancellationToken: Ct);

        var result = await vigil.InScopeAsync<RegistryImporter, RegistryImportResult>(i => i.ImportAsync([Row(2, "CAM-1")], "x.csv", dryRun: true, Ct));

        Assert.Equal((1, false), (result.Added, result.Committed));
        Assert.Empty(await EntriesAsync(vigil));
    }

    [Theory]
    [MemberData(nameof(StorageProviders.All), MemberType = typeof(StorageProviders))]
    public async Task Ten_thousand_rows_import_in_one_batch_and_are_recorded_as_one_import(string provider)
    {
        await using var vigil = await TestVigil.StartAsync(provider, cancellationToken: Ct);
        var rows = Enumerable.Range(0, 10_000).Select(i => Row(i + 2, $"SN-{i:D6}", $"secret-{i:D6}")).ToArray();

        var result = await ImportAsync(vigil, rows);

        Assert.Equal(10_000, result.Added);
        var imports = await vigil.InScopeAsync<VigilDbContext, List<RegistryImport>>(db => db.RegistryImports.AsNoTracking().ToListAsync(Ct));
        var import = Assert.Single(imports);
        Assert.Equal((10_000, 0, "test.csv"), (import.Added, import.Unchanged, import.Source));
        Assert.Equal(10_000, await vigil.InScopeAsync<VigilDbContext, int>(db => db.RegistryEntries.CountAsync(Ct)));
    }

    [Theory]
    [MemberData(nameof(StorageProviders.All), MemberType = typeof(StorageProviders))]
    public async Task Concurrent_imports_of_overlapping_files_both_succeed_without_duplicates(string provider)
    {
        await using var vigil = await TestVigil.StartAsync(provider, cancellationToken: Ct);
        var first = Enumerable.Range(0, 300).Select(i => Row(i + 2, $"SN-{i:D4}")).ToArray();
        var second = Enumerable.Range(150, 300).Select(i => Row(i + 2, $"SN-{i:D4}")).ToArray();

        var results = await Task.WhenAll(
            Task.Run(() => ImportAsync(vigil, first), Ct),
            Task.Run(() => ImportAsync(vigil, second), Ct));

        Assert.All(results, r => Assert.True(r.Committed));
        Assert.Equal(450, results.Sum(r => r.Added));
        Assert.Equal(450, (await EntriesAsync(vigil)).Count);
    }

    [Theory]
    [MemberData(nameof(StorageProviders.All), MemberType = typeof(StorageProviders))]
    public async Task Revoking_marks_the_entry_once_and_unknown_serials_are_reported(string provider)
    {
        await using var vigil = await TestVigil.StartAsync(provider, cancellationToken: Ct);
        await ImportAsync(vigil, Row(2, "CAM-1"));

        Assert.Equal(RevokeOutcome.Revoked, await vigil.InScopeAsync<ManufacturingRegistry, RevokeOutcome>(r => r.RevokeAsync("CAM-1", Ct)));
        Assert.Equal(RevokeOutcome.AlreadyRevoked, await vigil.InScopeAsync<ManufacturingRegistry, RevokeOutcome>(r => r.RevokeAsync("CAM-1", Ct)));
        Assert.Equal(RevokeOutcome.NotFound, await vigil.InScopeAsync<ManufacturingRegistry, RevokeOutcome>(r => r.RevokeAsync("CAM-404", Ct)));
        Assert.NotNull((await EntriesAsync(vigil))[0].RevokedAt);
    }

    [Theory]
    [MemberData(nameof(StorageProviders.All), MemberType = typeof(StorageProviders))]
    public async Task Serials_are_case_sensitive_as_aws_thing_names(string provider)
    {
        await using var vigil = await TestVigil.StartAsync(provider, cancellationToken: Ct);

        var result = await ImportAsync(vigil, Row(2, "cam-1"), Row(3, "CAM-1"));

        Assert.Equal(2, result.Added);
    }
}
