using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace Vigil.SigV4.Canonical;

/// <summary>
/// The cryptographic half of SigV4 (AWS SigV4 documentation, "Create a string to sign" and "Calculate the
/// signature"): SHA-256 of the canonical request, the string to sign, the HMAC-SHA256 key chain
/// kDate → kRegion → kService → kSigning, and the final HMAC.
/// </summary>
internal static class SignatureMath
{
    public const string Algorithm = "AWS4-HMAC-SHA256";
    public const string Terminator = "aws4_request";
    public const int HashLength = 32;

    /// <summary>Hex SHA-256 of the empty payload, which GET requests and presigned URLs sign.</summary>
    public const string EmptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    private const int StackLimit = 1024;

    public static string HexSha256(ReadOnlySpan<byte> payload)
    {
        Span<byte> hash = stackalloc byte[HashLength];
        SHA256.HashData(payload, hash);
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>SHA-256 of the UTF-8 form of <paramref name="text"/>.</summary>
    public static void Sha256Utf8(ReadOnlySpan<char> text, Span<byte> hash)
    {
        var byteCount = Encoding.UTF8.GetByteCount(text);
        byte[]? rented = null;
        var bytes = byteCount <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(byteCount));
        var written = Encoding.UTF8.GetBytes(text, bytes);
        SHA256.HashData(bytes[..written], hash);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>HMAC-SHA256 of the UTF-8 form of <paramref name="text"/> under <paramref name="key"/>.</summary>
    public static void HmacUtf8(ReadOnlySpan<byte> key, ReadOnlySpan<char> text, Span<byte> mac)
    {
        var byteCount = Encoding.UTF8.GetByteCount(text);
        byte[]? rented = null;
        var bytes = byteCount <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(byteCount));
        var written = Encoding.UTF8.GetBytes(text, bytes);
        HMACSHA256.HashData(key, bytes[..written], mac);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request").</summary>
    public static void DeriveSigningKey(string secretAccessKey, ReadOnlySpan<char> date, string region, string service, Span<byte> signingKey)
    {
        var secretLength = Encoding.UTF8.GetByteCount(secretAccessKey) + 4;
        byte[]? rented = null;
        var secret = secretLength <= 256 ? stackalloc byte[256] : (rented = ArrayPool<byte>.Shared.Rent(secretLength));
        try
        {
            "AWS4"u8.CopyTo(secret);
            var written = 4 + Encoding.UTF8.GetBytes(secretAccessKey, secret[4..]);
            // Two buffers in turn: HMAC's key and output never overlap.
            Span<byte> first = stackalloc byte[HashLength];
            Span<byte> second = stackalloc byte[HashLength];
            HmacUtf8(secret[..written], date, first);
            HmacUtf8(first, region, second);
            HmacUtf8(second, service, first);
            HmacUtf8(first, Terminator, signingKey);
            first.Clear();
            second.Clear();
        }
        finally
        {
            // The secret is the one value here that must not linger in pooled or stack memory.
            secret.Clear();
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>
    /// Appends the string to sign: algorithm, timestamp, credential scope and hex SHA-256 of the canonical
    /// request, joined by <c>\n</c> with no trailing newline.
    /// </summary>
    public static void AppendStringToSign(ref ValueStringBuilder builder, ReadOnlySpan<char> amzDate, ReadOnlySpan<char> scopeDate,
        string region, string service, ReadOnlySpan<char> canonicalRequest)
    {
        Span<byte> hash = stackalloc byte[HashLength];
        Sha256Utf8(canonicalRequest, hash);
        builder.Append(Algorithm);
        builder.Append('\n');
        builder.Append(amzDate);
        builder.Append('\n');
        AppendScope(ref builder, scopeDate, region, service);
        builder.Append('\n');
        Convert.TryToHexStringLower(hash, builder.AppendSpan(HashLength * 2), out _);
    }

    /// <summary>Appends <c>date/region/service/aws4_request</c>.</summary>
    public static void AppendScope(ref ValueStringBuilder builder, ReadOnlySpan<char> scopeDate, string region, string service)
    {
        builder.Append(scopeDate);
        builder.Append('/');
        builder.Append(region);
        builder.Append('/');
        builder.Append(service);
        builder.Append('/');
        builder.Append(Terminator);
    }
}
