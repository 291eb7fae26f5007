using System.Security.Cryptography;
using System.Text;

namespace Vigil.SigV4.Tests.Support;

/// <summary>
/// A deliberately naive SigV4 signature over a hand-written canonical request, independent of the library:
/// lets tests craft requests the library's signer refuses to produce (no host signed, a Date header,
/// X-Amz-Expires beyond a week, ...) and check that the verifier judges them on the rules alone.
/// </summary>
internal static class ReferenceSigV4
{
    public const string EmptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    public static string Sign(string secret, string amzDate, string region, string service, string canonicalRequest)
    {
        var scope = $"{amzDate[..8]}/{region}/{service}/aws4_request";
        var stringToSign = $"AWS4-HMAC-SHA256\n{amzDate}\n{scope}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)))}";
        var key = Hmac(Encoding.UTF8.GetBytes("AWS4" + secret), amzDate[..8]);
        key = Hmac(key, region);
        key = Hmac(key, service);
        key = Hmac(key, "aws4_request");
        return Hex(Hmac(key, stringToSign));
    }

    public static string Sha256Hex(string text) => Hex(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}
