using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Vigil.TestSupport;

/// <summary>The TLS certificate a test server presents, for trusting exactly that one in a browser.</summary>
public static class ServerCertificate
{
    /// <summary>
    /// Base64 SHA-256 of the server certificate's SubjectPublicKeyInfo, as Chromium's
    /// <c>--ignore-certificate-errors-spki-list</c> takes it: Chromium then trusts that key, and only it.
    /// </summary>
    public static async Task<string> SpkiSha256Async(string host, int port, CancellationToken cancellationToken = default)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(host, port, cancellationToken);
        // Any certificate is accepted here on purpose: the point is to learn which one the server has.
#pragma warning disable CA5359
        await using var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false, (_, _, _, _) => true);
#pragma warning restore CA5359
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = host }, cancellationToken);
        using var certificate = X509CertificateLoader.LoadCertificate(tls.RemoteCertificate!.GetRawCertData());
        return Convert.ToBase64String(SHA256.HashData(certificate.PublicKey.ExportSubjectPublicKeyInfo()));
    }
}
