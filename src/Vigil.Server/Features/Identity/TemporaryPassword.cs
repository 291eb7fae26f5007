using System.Security.Cryptography;

namespace Vigil.Server.Features.Identity;

/// <summary>Generated temporary passwords: 16 characters (about 79 bits) without look-alikes, in groups of four.</summary>
internal static class TemporaryPassword
{
    private const string Alphabet = "abcdefghjkmnpqrstuvwxyz23456789";

    public static string Generate()
    {
        var characters = RandomNumberGenerator.GetString(Alphabet, 16);
        return string.Join('-', characters.Chunk(4).Select(c => new string(c)));
    }
}
