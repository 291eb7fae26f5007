using Vigil.Server.Features.Devices;
using Vigil.Server.Hosting;
using Vigil.TestSupport;

namespace Vigil.Server.Tests.Features.Devices;

public sealed class DeviceSecretHasherTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_key_is_created_once_private_to_the_owner_and_reused()
    {
        using var directory = new TempDirectory();
        var data = new DataDirectory(directory.Path);
        var first = new DeviceSecretHasher(data);
        await first.InitializeAsync(Ct);
        var path = data.PathOf("keys", DeviceSecretHasher.KeyFile);

        var second = new DeviceSecretHasher(data);
        await second.InitializeAsync(Ct);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(first.Hash("CAM-1", "secret-one"), second.Hash("CAM-1", "secret-one"));
    }

    [Fact]
    public async Task Hashes_depend_on_the_key_so_a_database_alone_cannot_confirm_a_guess()
    {
        using var one = new TempDirectory();
        using var two = new TempDirectory();
        var a = new DeviceSecretHasher(new DataDirectory(one.Path));
        var b = new DeviceSecretHasher(new DataDirectory(two.Path));
        await a.InitializeAsync(Ct);
        await b.InitializeAsync(Ct);

        Assert.NotEqual(a.Hash("CAM-1", "secret-one"), b.Hash("CAM-1", "secret-one"));
        Assert.False(b.Verify("CAM-1", "secret-one", a.Hash("CAM-1", "secret-one")));
    }

    [Fact]
    public async Task A_hash_is_bound_to_its_serial()
    {
        using var directory = new TempDirectory();
        var hasher = new DeviceSecretHasher(new DataDirectory(directory.Path));
        await hasher.InitializeAsync(Ct);

        Assert.False(hasher.Verify("CAM-2", "secret-one", hasher.Hash("CAM-1", "secret-one")));
    }

    [Fact]
    public async Task A_corrupt_key_file_stops_start_up_with_a_clear_message()
    {
        using var directory = new TempDirectory();
        var data = new DataDirectory(directory.Path);
        await File.WriteAllTextAsync(Path.Combine(data.Subdirectory("keys"), DeviceSecretHasher.KeyFile), "not a key", Ct);

        var error = await Assert.ThrowsAsync<StartupException>(() => new DeviceSecretHasher(data).InitializeAsync(Ct));

        Assert.Contains("device-secrets.key is not a base64-encoded 256-bit key", error.Message, StringComparison.Ordinal);
    }
}
