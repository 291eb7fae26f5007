using Microsoft.AspNetCore.DataProtection;
using Vigil.Server.Hosting;
using Vigil.Shared;
using Vigil.TestSupport;

namespace Vigil.Server.Tests.Hosting;

/// <summary>
/// Keys and state at rest: written through <see cref="DurableFile"/> (fsync, rename, fsync of the
/// directory, observed with strace on the real binary) and private whatever the umask.
/// </summary>
public sealed class DurabilityTests
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Keys_the_cli_writes_are_renamed_into_place_and_their_directory_is_fsynced()
    {
        using var data = new TempDirectory("data");
        using var traces = new TempDirectory("strace");
        var bundle = Path.Combine(data.Path, "bundle");

        var (result, trace) = await SyscallTrace.RunAsync(
            VigilExecutable.Path, ["--data", data.Path, "claim", "create", "--out", bundle], VigilExecutable.Environment(), traces.Path, Ct);

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.True(trace.Lines > 0, "strace recorded nothing");
        foreach (var file in new[] { "claim.private.key", "claim.cert.pem", "root-ca.pem", "agent.json" })
        {
            Assert.True(trace.RenamedThenSyncedDirectory(Path.Combine(bundle, file)), $"{file}: no rename followed by an fsync of {bundle}");
        }

        // The CA's key, written on first use of the data directory.
        Assert.True(trace.RenamedThenSyncedDirectory(Path.Combine(data.Path, "pki", "root-ca.key")), "pki/root-ca.key was not made durable");
    }

    [Fact]
    public async Task The_data_protection_key_ring_is_written_durably_and_private()
    {
        using var data = new TempDirectory("data");
        using var traces = new TempDirectory("strace");
        var user = await VigilExecutable.RunAsync(data.Path, ["user", "add", "keys@example.com"], cancellationToken: Ct);
        Assert.True(user.ExitCode == 0, user.StandardError);

        // An access key's secret is the first thing protected: the key ring gets its first key.
        var (result, trace) = await SyscallTrace.RunAsync(
            VigilExecutable.Path, ["--data", data.Path, "keys", "create", "--user", "keys@example.com"], VigilExecutable.Environment(), traces.Path, Ct);

        Assert.True(result.ExitCode == 0, result.StandardError);
        var ring = Directory.EnumerateFiles(Path.Combine(data.Path, "keys", "data-protection"), "key-*.xml").ToList();
        Assert.NotEmpty(ring);
        Assert.All(ring, key => Assert.True(trace.RenamedThenSyncedDirectory(key), $"{key} was not made durable"));
        Assert.All(ring, key => Assert.Equal(OwnerOnly, File.GetUnixFileMode(key)));
    }

    [Fact]
    public async Task The_database_its_wal_and_shm_and_every_key_file_are_private_under_a_permissive_umask()
    {
        using var data = new TempDirectory("data");
        var (http, https) = (VigilExecutable.FreePort(), VigilExecutable.FreePort());
        using var server = VigilExecutable.StartServer(data.Path, http, https, launcher: ["/bin/sh", "-c", "umask 000 && exec \"$0\" \"$@\""]);
        try
        {
            await VigilExecutable.WaitUntilReadyAsync(http, server, TimeSpan.FromSeconds(90), Ct);

            foreach (var file in new[] { "vigil.db", "vigil.db-wal", "vigil.db-shm" })
            {
                var path = Path.Combine(data.Path, file);
                Assert.True(File.Exists(path), $"{file} does not exist while the server runs");
                Assert.Equal((file, OwnerOnly), (file, File.GetUnixFileMode(path)));
            }

            var keys = Directory.EnumerateFiles(Path.Combine(data.Path, "keys"), "*", SearchOption.AllDirectories)
                .Concat([Path.Combine(data.Path, "pki", "root-ca.key")]).ToList();
            Assert.NotEmpty(keys);
            Assert.All(keys, key => Assert.Equal((key, OwnerOnly), (key, File.GetUnixFileMode(key))));
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task A_database_made_readable_by_others_is_private_again_at_the_next_start()
    {
        using var data = new TempDirectory("data");
        var first = await VigilExecutable.RunAsync(data.Path, ["user", "list"], cancellationToken: Ct);
        Assert.True(first.ExitCode == 0, first.StandardError);
        var database = Path.Combine(data.Path, "vigil.db");
        File.SetUnixFileMode(database, OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var second = await VigilExecutable.RunAsync(data.Path, ["user", "list"], cancellationToken: Ct);

        Assert.True(second.ExitCode == 0, second.StandardError);
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(database));
    }

    [Fact]
    public void A_durable_write_replaces_the_file_whole_with_its_mode_and_leaves_no_temporary_file()
    {
        using var directory = new TempDirectory("durable");
        var path = directory.File("state.json");
        File.WriteAllText(path, "old");

        DurableFile.Write(path, "new", DurableFile.OwnerOnly);

        Assert.Equal("new", File.ReadAllText(path));
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(path));
        Assert.Equal([path], Directory.EnumerateFileSystemEntries(directory.Path));
    }

    [Fact]
    public void A_durable_write_without_overwrite_keeps_the_existing_file()
    {
        using var directory = new TempDirectory("durable");
        var path = directory.File("key.pem");
        DurableFile.Write(path, "first", DurableFile.OwnerOnly, overwrite: false);

        Assert.Throws<IOException>(() => DurableFile.Write(path, "second", DurableFile.OwnerOnly, overwrite: false));

        Assert.Equal("first", File.ReadAllText(path));
        Assert.Equal([path], Directory.EnumerateFileSystemEntries(directory.Path));
    }

    [Fact]
    public async Task A_durable_write_whose_content_fails_leaves_the_old_file_and_nothing_else()
    {
        using var directory = new TempDirectory("durable");
        var path = directory.File("model.onnx");
        File.WriteAllText(path, "old");

        await Assert.ThrowsAsync<InvalidDataException>(() => DurableFile.WriteAsync(
            path,
            async (stream, ct) =>
            {
                await stream.WriteAsync("half"u8.ToArray(), ct);
                throw new InvalidDataException("the download was cut");
            },
            DurableFile.WorldReadable,
            overwrite: true,
            Ct));

        Assert.Equal("old", File.ReadAllText(path));
        Assert.Equal([path], Directory.EnumerateFileSystemEntries(directory.Path));
    }

    [Fact]
    public void Flushing_a_missing_directory_is_an_error_not_silence()
    {
        using var directory = new TempDirectory("durable");

        var error = Assert.Throws<IOException>(() => DurableFile.FlushDirectory(directory.File("missing")));

        Assert.Contains("errno 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_ring_written_by_aspnet_cores_file_repository_is_still_read()
    {
        using var directory = new TempDirectory("data");
        var data = new DataDirectory(directory.Path);
        var ring = Path.Combine(directory.Path, "keys", "data-protection");
        Directory.CreateDirectory(ring);
        string protectedText;
        var services = new ServiceCollection();
        services.AddDataProtection().SetApplicationName(DataProtectionSetup.ApplicationName).PersistKeysToFileSystem(new DirectoryInfo(ring));
        await using (var old = services.BuildServiceProvider())
        {
            protectedText = old.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Protect("kept");
        }

        using var host = VigilHost.BuildCommandHost(data);
        await host.Services.GetRequiredService<VigilInitializer>().InitializeAsync(Ct);

        Assert.Equal("kept", host.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Unprotect(protectedText));
    }
}
