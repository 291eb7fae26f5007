using Microsoft.AspNetCore.DataProtection;
using Vigil.Server.Hosting;
using Vigil.TestSupport;

namespace Vigil.Server.Tests.Hosting;

public sealed class DataProtectionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task What_one_process_protects_another_on_the_same_data_directory_can_read()
    {
        using var directory = new TempDirectory("data");
        var data = new DataDirectory(directory.Path);
        string protectedText;
        using (var first = VigilHost.BuildCommandHost(data))
        {
            await first.Services.GetRequiredService<VigilInitializer>().InitializeAsync(Ct);
            protectedText = first.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Protect("session");
        }

        using var second = VigilHost.BuildCommandHost(data);
        await second.Services.GetRequiredService<VigilInitializer>().InitializeAsync(Ct);

        Assert.Equal("session", second.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Unprotect(protectedText));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.Combine(directory.Path, "keys", "data-protection")));
        Assert.NotEmpty(Directory.EnumerateFiles(Path.Combine(directory.Path, "keys", "data-protection"), "key-*.xml"));
    }

    [Fact]
    public async Task The_key_a_fresh_data_directory_makes_is_in_the_ring_the_same_process_reads()
    {
        // The key directory is made at start, after the repository first looked for it: a cached
        // "does not exist" left the ring empty for the whole first run (every cluster node's
        // fingerprint then came out empty, and each key-ring refresh saw no key).
        using var directory = new TempDirectory("data");
        using var host = VigilHost.BuildCommandHost(new DataDirectory(directory.Path));
        await host.Services.GetRequiredService<VigilInitializer>().InitializeAsync(Ct);
        host.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Protect("session");

        var keys = host.Services.GetRequiredService<Microsoft.AspNetCore.DataProtection.KeyManagement.IKeyManager>().GetAllKeys();

        Assert.Single(keys);
    }

    [Fact]
    public async Task Another_data_directory_cannot_read_it()
    {
        using var one = new TempDirectory("data");
        using var two = new TempDirectory("data");
        using var first = VigilHost.BuildCommandHost(new DataDirectory(one.Path));
        using var second = VigilHost.BuildCommandHost(new DataDirectory(two.Path));
        await first.Services.GetRequiredService<VigilInitializer>().InitializeAsync(Ct);
        await second.Services.GetRequiredService<VigilInitializer>().InitializeAsync(Ct);
        var protectedText = first.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Protect("session");

        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() =>
            second.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Unprotect(protectedText));
    }
}
