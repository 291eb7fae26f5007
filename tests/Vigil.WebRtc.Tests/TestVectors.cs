namespace Vigil.WebRtc.Tests;

/// Reads the published test vectors stored as hex files under Vectors/ (named by RFC section).
internal static class TestVectors
{
    public static byte[] Hex(string relativePath)
    {
        var text = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Vectors", relativePath))
            .Where(line => !line.TrimStart().StartsWith('#'));
        return FromHex(string.Concat(text));
    }

    public static string Text(string relativePath) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Vectors", relativePath));

    /// Hex digits with any whitespace in between.
    public static byte[] FromHex(string hex) =>
        Convert.FromHexString(string.Concat(hex.Where(c => !char.IsWhiteSpace(c))));

    public static string ToHex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);
}
