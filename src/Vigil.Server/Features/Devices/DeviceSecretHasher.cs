using System.Security.Cryptography;
using System.Text;
using Vigil.Server.Hosting;
using Vigil.Shared;

namespace Vigil.Server.Features.Devices;

/// <summary>
/// Keyed hashes of device secrets: HMAC-SHA256 with a 256-bit server key kept in
/// <c>&lt;data&gt;/keys/device-secrets.key</c> (0600), outside the database, so a leaked database
/// alone does not let anyone test guesses offline. The serial is part of the message, so a hash
/// copied onto another row does not match.
/// </summary>
internal sealed class DeviceSecretHasher(DataDirectory data) : IDataInitializer
{
    public const string KeyFile = "device-secrets.key";

    private byte[]? _key;

    public int Order => 50;

    public Task InitializeAsync(CancellationToken cancellationToken)
    {
        if (_key is not null)
        {
            return Task.CompletedTask;
        }

        var path = Path.Combine(data.Subdirectory("keys"), KeyFile);
        if (File.Exists(path))
        {
            var text = File.ReadAllText(path).Trim();
            var key = new byte[32];
            if (!Convert.TryFromBase64String(text, key, out var length) || length != key.Length)
            {
                throw new StartupException($"{path} is not a base64-encoded 256-bit key; restore it from a backup (without it no device secret can be checked)");
            }

            _key = key;
        }
        else
        {
            var key = RandomNumberGenerator.GetBytes(32);
            DurableFile.Write(path, Convert.ToBase64String(key) + "\n", DurableFile.OwnerOnly);
            _key = key;
        }

        return Task.CompletedTask;
    }

    public byte[] Hash(string serial, string secret)
    {
        var key = _key ?? throw new InvalidOperationException("The device-secret key is not loaded.");
        var message = Encoding.UTF8.GetBytes($"vigil/device-secret/v1\n{serial}\n{secret}");
        return HMACSHA256.HashData(key, message);
    }

    public bool Verify(string serial, string secret, byte[] storedHash) =>
        CryptographicOperations.FixedTimeEquals(Hash(serial, secret), storedHash);
}
