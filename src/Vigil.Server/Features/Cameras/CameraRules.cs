using System.Security.Cryptography;
using System.Text;

namespace Vigil.Server.Features.Cameras;

/// <summary>What a camera name and a camera secret look like.</summary>
internal static class CameraRules
{
    public const int NameMaxLength = 64;

    /// <summary>Names are 1–64 printable characters without control characters.</summary>
    public static string? NameProblem(string name) =>
        string.IsNullOrWhiteSpace(name) ? "a camera name cannot be empty"
        : name.Length > NameMaxLength ? $"a camera name has at most {NameMaxLength} characters"
        : name.Any(char.IsControl) ? "a camera name cannot contain control characters"
        : null;

    /// <summary>A new secret: 128 random bits as 26 lower-case base32 characters (easy to type into a camera's web page).</summary>
    public static string NewSecret()
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyz234567";
        Span<byte> bytes = stackalloc byte[26];
        RandomNumberGenerator.Fill(bytes);
        var text = new StringBuilder(26);
        foreach (var b in bytes)
        {
            text.Append(alphabet[b & 31]);
        }

        return text.ToString();
    }

    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    public static bool Matches(string secret, byte[] hash) => CryptographicOperations.FixedTimeEquals(Hash(secret), hash);
}
