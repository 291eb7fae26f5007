using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;

namespace Vigil.WebRtc.Sdp;

// `a=fingerprint:<hash-func> <XX:XX:…>` (RFC 8122 §5): the hash of the peer's DTLS certificate.
internal sealed record SdpFingerprint(string Algorithm, byte[] Value)
{
    public static bool TryParse(string? text, [NotNullWhen(true)] out SdpFingerprint? fingerprint)
    {
        fingerprint = null;
        if (text is null)
        {
            return false;
        }

        var parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 2)
        {
            return false;
        }

        var algorithm = parts[0].ToLowerInvariant();
        var expectedLength = HashLength(algorithm);
        var octets = parts[1].Split(':');
        if (expectedLength == 0 || octets.Length != expectedLength)
        {
            return false;
        }

        var value = new byte[octets.Length];
        for (var i = 0; i < octets.Length; i++)
        {
            if (octets[i].Length != 2 || !byte.TryParse(octets[i], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value[i]))
            {
                return false;
            }
        }

        fingerprint = new SdpFingerprint(algorithm, value);
        return true;
    }

    /// RFC 8122 §5: uppercase hex pairs separated by colons.
    public static string Format(string algorithm, ReadOnlySpan<byte> value) =>
        $"{algorithm} {string.Join(':', value.ToArray().Select(b => b.ToString("X2", CultureInfo.InvariantCulture)))}";

    /// Hashes a DER certificate with this fingerprint's algorithm and compares in constant time.
    [SuppressMessage("Security", "CA5350:Do Not Use Weak Cryptographic Algorithms", Justification = "sha-1 fingerprints are legal in RFC 8122; we only accept what the peer signalled.")]
    public bool Matches(ReadOnlySpan<byte> certificateDer)
    {
        byte[] hash = Algorithm switch
        {
            "sha-1" => SHA1.HashData(certificateDer),
            "sha-256" => SHA256.HashData(certificateDer),
            "sha-384" => SHA384.HashData(certificateDer),
            "sha-512" => SHA512.HashData(certificateDer),
            _ => [],
        };
        return hash.Length == Value.Length && CryptographicOperations.FixedTimeEquals(hash, Value);
    }

    private static int HashLength(string algorithm) => algorithm switch
    {
        "sha-1" => 20,
        "sha-256" => 32,
        "sha-384" => 48,
        "sha-512" => 64,
        _ => 0,
    };
}
