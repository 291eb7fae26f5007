using System.Buffers;
using System.Text;

namespace Vigil.SigV4.Canonical;

/// <summary>
/// Percent-encoding as SigV4 defines it ("UriEncode" in the AWS SigV4 documentation, "Create a canonical
/// request"): every byte of the UTF-8 form is written as <c>%XX</c> with uppercase hex, except the RFC 3986
/// §2.3 unreserved characters <c>A-Z a-z 0-9 - _ . ~</c>. Notably <c>/ : + = ! ' ( ) *</c> are encoded,
/// unlike .NET's <c>Uri.EscapeDataString</c> history and JavaScript's <c>encodeURIComponent</c>.
/// </summary>
internal static class UriEncoding
{
    private const string UpperHex = "0123456789ABCDEF";
    private const int StackLimit = 512;

    public static bool IsUnreserved(int c) =>
        (uint)((c | 0x20) - 'a') <= 'z' - 'a' || (uint)(c - '0') <= 9 || c is '-' or '_' or '.' or '~';

    /// <summary>Appends the SigV4 encoding of the UTF-8 bytes of <paramref name="text"/>.</summary>
    public static void AppendEncoded(ref ValueStringBuilder builder, scoped ReadOnlySpan<char> text, bool keepSlash)
    {
        // Fast path: nothing to encode (the usual case for KVS parameter names and paths).
        if (!NeedsEncoding(text, keepSlash))
        {
            builder.Append(text);
            return;
        }

        var byteCount = Encoding.UTF8.GetByteCount(text);
        byte[]? rented = null;
        var bytes = byteCount <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(byteCount));
        var written = Encoding.UTF8.GetBytes(text, bytes);
        AppendEncoded(ref builder, bytes[..written], keepSlash);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Appends the SigV4 encoding of raw bytes (already UTF-8, or percent-decoded octets).</summary>
    public static void AppendEncoded(ref ValueStringBuilder builder, scoped ReadOnlySpan<byte> bytes, bool keepSlash)
    {
        foreach (var b in bytes)
        {
            if (IsUnreserved(b) || (keepSlash && b == '/'))
            {
                builder.Append((char)b);
            }
            else
            {
                var span = builder.AppendSpan(3);
                span[0] = '%';
                span[1] = UpperHex[b >> 4];
                span[2] = UpperHex[b & 0xF];
            }
        }
    }

    /// <summary>Returns the SigV4 encoding of <paramref name="text"/> as a string.</summary>
    public static string Encode(string text, bool keepSlash)
    {
        if (!NeedsEncoding(text, keepSlash))
        {
            return text;
        }

        var builder = new ValueStringBuilder(stackalloc char[256]);
        try
        {
            AppendEncoded(ref builder, text, keepSlash);
            return builder.ToString();
        }
        finally
        {
            builder.Dispose();
        }
    }

    /// <summary>
    /// Decodes one query component as received into octets. <c>%XX</c> (either hex case) becomes the octet;
    /// a <c>%</c> not followed by two hex digits stays a literal <c>%</c>, as ASP.NET Core's query parser
    /// keeps it, so that the server and the verifier see the same value. <c>+</c> is never a space here:
    /// SigV4 signs RFC 3986 query components, not HTML form encoding.
    /// </summary>
    /// <returns>The number of octets written to <paramref name="destination"/>, which must hold at least
    /// <c>Encoding.UTF8.GetByteCount(raw)</c> bytes.</returns>
    public static int PercentDecode(ReadOnlySpan<char> raw, Span<byte> destination)
    {
        // Characters outside ASCII (a raw UTF-8 query such as the AWS test suite's get-vanilla-utf8-query)
        // are taken as their UTF-8 octets; then %XX sequences are decoded in place (output never outruns input).
        var length = Encoding.UTF8.GetBytes(raw, destination);
        var write = 0;
        for (var read = 0; read < length; read++)
        {
            var b = destination[read];
            if (b == '%' && read + 2 < length && TryHex(destination[read + 1], out var high) && TryHex(destination[read + 2], out var low))
            {
                destination[write++] = (byte)((high << 4) | low);
                read += 2;
            }
            else
            {
                destination[write++] = b;
            }
        }

        return write;
    }

    private static bool NeedsEncoding(ReadOnlySpan<char> text, bool keepSlash)
    {
        foreach (var c in text)
        {
            if (!IsUnreserved(c) && !(keepSlash && c == '/'))
            {
                return true;
            }
        }

        return false;
    }

    private static bool TryHex(byte b, out int value)
    {
        value = b switch
        {
            >= (byte)'0' and <= (byte)'9' => b - '0',
            >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
            >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
            _ => -1,
        };
        return value >= 0;
    }
}
