using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Vigil.Server.Features.Cluster;

/// <summary>
/// The file <c>vigil cluster export-keys</c> writes and <c>import-keys</c> reads: the shared key files, encrypted
/// with AES-256-GCM under a key derived from the operator's passphrase (PBKDF2-HMAC-SHA256, 600,000 iterations,
/// random salt), so the bundle can travel (scp, a USB stick) without exposing the CA key on the way.
/// </summary>
internal static class ClusterKeyBundle
{
    public const string Format = "vigil-cluster-keys/1";
    public const int MinimumPassphraseLength = 12;
    private const int Iterations = 600_000;

    public static string Seal(IReadOnlyDictionary<string, byte[]> files, string passphrase)
    {
        var content = new JsonObject();
        foreach (var (path, bytes) in files)
        {
            content[path] = Convert.ToBase64String(bytes);
        }

        var plain = Encoding.UTF8.GetBytes(new JsonObject { ["files"] = content }.ToJsonString());
        var salt = RandomNumberGenerator.GetBytes(16);
        var nonce = RandomNumberGenerator.GetBytes(12);
        var cipher = new byte[plain.Length];
        var tag = new byte[16];
        using (var aes = new AesGcm(Derive(passphrase, salt), tag.Length))
        {
            aes.Encrypt(nonce, plain, cipher, tag, Encoding.ASCII.GetBytes(Format));
        }

        CryptographicOperations.ZeroMemory(plain);
        return new JsonObject
        {
            ["format"] = Format,
            ["kdf"] = "PBKDF2-HMAC-SHA256",
            ["iterations"] = Iterations,
            ["salt"] = Convert.ToBase64String(salt),
            ["nonce"] = Convert.ToBase64String(nonce),
            ["ciphertext"] = Convert.ToBase64String(cipher),
            ["tag"] = Convert.ToBase64String(tag),
        }.ToJsonString() + "\n";
    }

    /// <summary>The files, or null with the reason (not a bundle, damaged, wrong passphrase).</summary>
    public static Dictionary<string, byte[]>? TryOpen(string text, string passphrase, out string reason)
    {
        reason = "";
        try
        {
            var bundle = JsonNode.Parse(text)?.AsObject();
            if (bundle?["format"]?.GetValue<string>() != Format || bundle["iterations"]?.GetValue<int>() != Iterations)
            {
                reason = $"not a {Format} bundle";
                return null;
            }

            var salt = Bytes(bundle, "salt");
            var nonce = Bytes(bundle, "nonce");
            var cipher = Bytes(bundle, "ciphertext");
            var tag = Bytes(bundle, "tag");
            var plain = new byte[cipher.Length];
            using (var aes = new AesGcm(Derive(passphrase, salt), 16))
            {
                aes.Decrypt(nonce, cipher, tag, plain, Encoding.ASCII.GetBytes(Format));
            }

            var files = JsonNode.Parse(plain)?["files"]?.AsObject() ?? throw new FormatException("no files");
            CryptographicOperations.ZeroMemory(plain);
            return files.ToDictionary(f => f.Key, f => Bytes(files, f.Key), StringComparer.Ordinal);
        }
        catch (AuthenticationTagMismatchException)
        {
            reason = "wrong passphrase, or the bundle was changed";
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or FormatException or InvalidOperationException or ArgumentException or CryptographicException)
        {
            reason = $"damaged bundle ({e.GetType().Name})";
        }

        return null;
    }

    private static byte[] Bytes(JsonObject json, string name) =>
        json[name] is JsonValue value && value.TryGetValue<string>(out var text)
            ? Convert.FromBase64String(text)
            : throw new FormatException($"{name} is missing");

    private static byte[] Derive(string passphrase, byte[] salt) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(passphrase), salt, Iterations, HashAlgorithmName.SHA256, 32);
}
