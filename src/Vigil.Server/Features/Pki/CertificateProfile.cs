using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Vigil.Server.Features.Pki;

/// <summary>What goes into an issued certificate besides its subject and key.</summary>
internal sealed record CertificateProfile(Oid Usage, TimeSpan Validity, X509Extension? SubjectAlternativeNames = null)
{
    public static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1", "Server Authentication");

    public static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2", "Client Authentication");
}
