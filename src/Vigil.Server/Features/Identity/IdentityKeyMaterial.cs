using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;
using Vigil.Server.Hosting;
using Vigil.Shared;

namespace Vigil.Server.Features.Identity;

/// <summary>
/// The keys the OpenID Connect provider keeps in <c>&lt;data&gt;/keys/</c> (0600), never in the
/// database: the signing key (RSA-2048, RS256, published in the JWKS) and the token encryption
/// key (RSA-2048, RSA-OAEP, for authorization codes and refresh tokens). Created at the first
/// start, then only read, so restarts and every node given the same <c>keys/</c> sign and read
/// the same tokens. Not development certificates: real keys, private to the data directory.
/// They are created on first use (the server reads them at start), outside the data
/// directory's initialisation lock: a process that finds no key writes one with an exclusive
/// create, and if another process won that race it reads the winner's key instead.
/// </summary>
internal sealed class IdentityKeyMaterial(DataDirectory data)
{
    public const string SigningKeyFile = "oidc-signing.key";
    public const string EncryptionKeyFile = "oidc-encryption.key";

    private readonly Lazy<Loaded> _loaded = new(() => Load(data), LazyThreadSafetyMode.ExecutionAndPublication);

    public RsaSecurityKey SigningKey => Current.Signing;

    public RsaSecurityKey EncryptionKey => Current.Encryption;

    private Loaded Current => _loaded.Value;

    private static Loaded Load(DataDirectory data)
    {
        var directory = data.Subdirectory("keys");
        CreateIfMissing(Path.Combine(directory, SigningKeyFile));
        CreateIfMissing(Path.Combine(directory, EncryptionKeyFile));
        return new Loaded(
            LoadRsa(Path.Combine(directory, SigningKeyFile), "token signing"),
            LoadRsa(Path.Combine(directory, EncryptionKeyFile), "token encryption"));
    }

    private static void CreateIfMissing(string path)
    {
        if (File.Exists(path))
        {
            return;
        }

        using var rsa = RSA.Create(2048);
        try
        {
            // No overwrite: exactly one process's key becomes the key.
            DurableFile.Write(path, rsa.ExportPkcs8PrivateKeyPem() + "\n", DurableFile.OwnerOnly, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process created it first; use theirs.
        }
    }

    private static RsaSecurityKey LoadRsa(string path, string purpose)
    {
        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(File.ReadAllText(path));
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException or IOException)
        {
            rsa.Dispose();
            throw new StartupException($"{path} is not a readable PEM RSA private key; restore it from a backup, or delete it to create a new {purpose} key at the next start (every signed-in client must then sign in again)", e);
        }

        if (rsa.KeySize < 2048)
        {
            rsa.Dispose();
            throw new StartupException($"{path} holds a {rsa.KeySize}-bit RSA key; at least 2048 bits are required");
        }

        var key = new RsaSecurityKey(rsa);
        // The RFC 7638 thumbprint: the same key id on every node and after every restart.
        key.KeyId = Base64UrlEncoder.Encode(JsonWebKeyConverter.ConvertFromRSASecurityKey(key).ComputeJwkThumbprint());
        return key;
    }

    private sealed record Loaded(RsaSecurityKey Signing, RsaSecurityKey Encryption);
}
