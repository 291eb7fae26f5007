using System.Security.Cryptography;

namespace Vigil.Server.Features.Credentials;

/// <summary>
/// Access key ids in AWS's shape: a four-letter prefix (<c>AKIA</c> long-term, <c>ASIA</c> temporary)
/// and 16 random characters of the base32 alphabet (80 bits), 20 characters in all.
/// </summary>
internal static class AccessKeyIds
{
    public const string LongTermPrefix = "AKIA";
    public const string TemporaryPrefix = "ASIA";
    public const int Length = 20;

    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private static readonly System.Buffers.SearchValues<char> AlphabetChars = System.Buffers.SearchValues.Create(Alphabet);

    public static string NewLongTerm() => New(LongTermPrefix);

    public static string NewTemporary() => New(TemporaryPrefix);

    public static bool IsLongTerm(string id) => HasShape(id, LongTermPrefix);

    public static bool IsTemporary(string id) => HasShape(id, TemporaryPrefix);

    /// <summary>A secret access key: 40 characters of standard base64 (30 random bytes), like AWS's.</summary>
    public static string NewSecret() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(30));

    private static string New(string prefix) =>
        prefix + RandomNumberGenerator.GetString(Alphabet, Length - prefix.Length);

    private static bool HasShape(string id, string prefix) =>
        id.Length == Length && id.StartsWith(prefix, StringComparison.Ordinal) && !id.AsSpan(prefix.Length).ContainsAnyExcept(AlphabetChars);
}
