using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Vigil.Server.Features.Pki;

internal static class Fingerprint
{
    /// <summary>SHA-256 of the DER encoding, lowercase hex: the certificate id everywhere in Vigil.</summary>
    public static string Of(X509Certificate2 certificate) => Convert.ToHexStringLower(SHA256.HashData(certificate.RawData));
}
