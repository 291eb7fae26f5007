using System.Buffers;
using Vigil.SigV4.Canonical;

namespace Vigil.SigV4.Parsing;

/// <summary>Hex strings of SHA-256 size: signatures and payload hashes.</summary>
internal static class SignatureHex
{
    public const int Length = SignatureMath.HashLength * 2;

    /// <summary>Decodes exactly 64 hex digits (either case) into 32 bytes.</summary>
    public static bool TryDecode(ReadOnlySpan<char> hex, out byte[] bytes)
    {
        bytes = [];
        if (hex.Length != Length)
        {
            return false;
        }

        var buffer = new byte[SignatureMath.HashLength];
        if (Convert.FromHexString(hex, buffer, out var consumed, out var written) != OperationStatus.Done
            || consumed != Length || written != buffer.Length)
        {
            return false;
        }

        bytes = buffer;
        return true;
    }

    public static bool IsHash(ReadOnlySpan<char> hex) => hex.Length == Length && !hex.ContainsAnyExcept(HexDigits);

    private static readonly SearchValues<char> HexDigits = SearchValues.Create("0123456789abcdefABCDEF");
}
