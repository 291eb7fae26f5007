using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Vigil.Server.Hosting;
using Vigil.Shared;

namespace Vigil.Server.Features.Pki;

/// <summary>
/// Vigil's root certificate authority: an ECDSA P-256 key created on first start and kept in
/// <c>&lt;data&gt;/pki/root-ca.key</c> (mode 0600), and the self-signed root certificate beside it.
/// Every certificate Vigil hands out (server TLS, claim, device) is signed by this key directly.
/// </summary>
internal sealed partial class CertificateAuthority(DataDirectory data, TimeProvider time, ILogger<CertificateAuthority> logger) : IDisposable
{
    public const string KeyFile = "root-ca.key";
    public const string CertificateFile = "root-ca.pem";

    private static readonly TimeSpan RootValidity = TimeSpan.FromDays(365 * 20);

    private ECDsa? _key;
    private X509Certificate2? _certificate;

    public X509Certificate2 Certificate => _certificate ?? throw new InvalidOperationException("The CA is not loaded; call LoadOrCreate first.");

    public string CertificatePem => Certificate.ExportCertificatePem();

    public bool IsLoaded => _certificate is not null;

    /// <summary>Loads the CA from the data directory, creating it when absent. Call under the data directory's initialisation lock.</summary>
    public void LoadOrCreate()
    {
        var directory = data.Subdirectory("pki");
        var keyPath = Path.Combine(directory, KeyFile);
        var certificatePath = Path.Combine(directory, CertificateFile);

        if (File.Exists(keyPath) || File.Exists(certificatePath))
        {
            Load(keyPath, certificatePath);
            return;
        }

        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var now = time.GetUtcNow();
        var subject = new X500DistinguishedName($"CN=Vigil Root CA {Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}, O=Vigil");
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        using var selfSigned = request.CreateSelfSigned(now.AddHours(-1), now.Add(RootValidity));

        // Key first: a certificate without its key is unusable, a key without a certificate is
        // reported clearly by Load on the next start.
        DurableFile.Write(keyPath, key.ExportPkcs8PrivateKeyPem(), DurableFile.OwnerOnly);
        DurableFile.Write(certificatePath, selfSigned.ExportCertificatePem(), DurableFile.WorldReadable);

        _key = key;
        _certificate = X509CertificateLoader.LoadCertificate(selfSigned.RawData);
        Log.Created(logger, _certificate.Subject, Fingerprint.Of(_certificate));
    }

    private void Load(string keyPath, string certificatePath)
    {
        if (!File.Exists(keyPath))
        {
            throw new StartupException($"{keyPath} is missing but {certificatePath} exists; restore the CA key from a backup (without it no issued certificate can be trusted again)");
        }

        if (!File.Exists(certificatePath))
        {
            throw new StartupException($"{certificatePath} is missing but {keyPath} exists; restore it from a backup");
        }

        try
        {
            var key = ECDsa.Create();
            key.ImportFromPem(File.ReadAllText(keyPath));
            var certificate = X509Certificate2.CreateFromPem(File.ReadAllText(certificatePath));
            using var publicKey = certificate.GetECDsaPublicKey();
            if (publicKey is null || !publicKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(key.ExportSubjectPublicKeyInfo()))
            {
                throw new StartupException($"{keyPath} does not belong to {certificatePath}");
            }

            _key = key;
            _certificate = certificate;
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException or IOException or UnauthorizedAccessException)
        {
            throw new StartupException($"cannot read the CA in {Path.GetDirectoryName(keyPath)}: {e.Message}", e);
        }
    }

    /// <summary>Signs a certificate for <paramref name="publicKey"/> as described by <paramref name="profile"/>.</summary>
    public X509Certificate2 Issue(X500DistinguishedName subject, PublicKey publicKey, CertificateProfile profile)
    {
        var issuer = Certificate;
        var now = time.GetUtcNow();
        var request = new CertificateRequest(subject, publicKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([profile.Usage], critical: false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        if (profile.SubjectAlternativeNames is { } names)
        {
            request.CertificateExtensions.Add(names);
        }

        var notAfter = now.Add(profile.Validity);
        if (notAfter > issuer.NotAfter)
        {
            notAfter = issuer.NotAfter;
        }

        var generator = X509SignatureGenerator.CreateForECDsa(_key!);
        return request.Create(issuer.SubjectName, generator, now.AddMinutes(-5), notAfter, NewSerialNumber());
    }

    /// <summary>
    /// A random 128-bit serial (RFC 5280 §4.1.2.2: positive, at most 20 octets). .NET reads the
    /// bytes as an unsigned big-endian integer and adds the sign octet itself; a zero first byte
    /// would be re-rolled so the DER integer stays minimally encoded at full length.
    /// </summary>
    private static byte[] NewSerialNumber()
    {
        var serial = new byte[16];
        do
        {
            RandomNumberGenerator.Fill(serial);
        }
        while (serial[0] == 0);

        return serial;
    }

    public void Dispose()
    {
        _key?.Dispose();
        _certificate?.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 200, Level = LogLevel.Information, Message = "Created root CA {Subject} ({Fingerprint})")]
        public static partial void Created(ILogger logger, string subject, string fingerprint);
    }
}
