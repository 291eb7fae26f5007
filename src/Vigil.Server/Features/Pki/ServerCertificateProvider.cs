using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;
using Vigil.Server.Hosting;
using Vigil.Shared;

namespace Vigil.Server.Features.Pki;

/// <summary>
/// The TLS certificate for every Vigil endpoint (HTTPS, MQTT, credentials provider), signed by
/// Vigil's CA for <c>localhost</c>, the loopback addresses, the host name, <c>Server:PublicHost</c>,
/// the front door's credentials host (when the front door is on) and <c>Pki:ServerNames</c>. Reissued at start-up when a name was added or it is about to expire.
/// </summary>
internal sealed partial class ServerCertificateProvider(
    DataDirectory data,
    CertificateAuthority authority,
    IOptions<PkiOptions> pkiOptions,
    IOptions<ServerOptions> serverOptions,
    TimeProvider time,
    ILogger<ServerCertificateProvider> logger) : IDisposable
{
    public const string CertificateFile = "server.pem";
    public const string KeyFile = "server.key";

    private X509Certificate2? _current;

    public X509Certificate2 Current => _current ?? throw new InvalidOperationException("The server certificate is not loaded yet.");

    /// <summary>Loads the certificate, or issues a new one when it is missing, unreadable, about to expire or lacks a wanted name.</summary>
    public void LoadOrIssue()
    {
        var directory = data.Subdirectory("pki");
        var certificatePath = Path.Combine(directory, CertificateFile);
        var keyPath = Path.Combine(directory, KeyFile);
        var names = WantedNames();

        if (File.Exists(certificatePath) && File.Exists(keyPath))
        {
            try
            {
                var existing = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
                var reason = ReasonToReplace(existing, names);
                if (reason is null)
                {
                    _current = existing;
                    return;
                }

                Log.Reissuing(logger, reason);
                existing.Dispose();
            }
            catch (CryptographicException e)
            {
                Log.Reissuing(logger, $"the stored certificate cannot be read ({e.Message})");
            }
        }

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in names)
        {
            if (IPAddress.TryParse(name, out var address))
            {
                san.AddIpAddress(address);
            }
            else
            {
                san.AddDnsName(name);
            }
        }

        var profile = new CertificateProfile(
            CertificateProfile.ServerAuthentication,
            TimeSpan.FromDays(pkiOptions.Value.ServerCertificateDays),
            san.Build(critical: false));
        using var issued = authority.Issue(new X500DistinguishedName($"CN={names[0]}, O=Vigil"), new PublicKey(key), profile);
        DurableFile.Write(keyPath, key.ExportPkcs8PrivateKeyPem(), DurableFile.OwnerOnly);
        DurableFile.Write(certificatePath, issued.ExportCertificatePem(), DurableFile.WorldReadable);
        _current = issued.CopyWithPrivateKey(key);
        Log.Issued(logger, string.Join(", ", names), _current.NotAfter);
    }

    /// <summary>The names the certificate must cover, most specific (the public host) first.</summary>
    public IReadOnlyList<string> WantedNames()
    {
        var names = new List<string> { serverOptions.Value.EffectivePublicHost, "localhost", "127.0.0.1", "::1" };
        names.Add(Dns.GetHostName());
        if (serverOptions.Value.FrontDoorPort is not null)
        {
            names.Add(serverOptions.Value.EffectiveFrontDoorCredentialsHost);
        }

        names.AddRange(pkiOptions.Value.ServerNames);
        return names.Select(n => n.Trim().ToLowerInvariant()).Where(n => n.Length > 0).Distinct().ToList();
    }

    private string? ReasonToReplace(X509Certificate2 existing, IReadOnlyList<string> names)
    {
        var now = time.GetUtcNow();
        if (existing.NotAfter.ToUniversalTime() - now.UtcDateTime < TimeSpan.FromDays(pkiOptions.Value.RenewBeforeDays))
        {
            return $"it expires on {existing.NotAfter.ToUniversalTime():yyyy-MM-dd}";
        }

        if (existing.Issuer != authority.Certificate.Subject)
        {
            return "it was not issued by the current CA";
        }

        var covered = existing.Extensions.OfType<X509SubjectAlternativeNameExtension>()
            .SelectMany(e => e.EnumerateDnsNames().Concat(e.EnumerateIPAddresses().Select(a => a.ToString())))
            .Select(n => n.ToLowerInvariant())
            .ToHashSet();
        var missing = names.Where(n => !covered.Contains(IPAddress.TryParse(n, out var a) ? a.ToString() : n)).ToList();
        return missing.Count > 0 ? $"it does not cover {string.Join(", ", missing)}" : null;
    }

    public void Dispose() => _current?.Dispose();

    private static partial class Log
    {
        [LoggerMessage(EventId = 201, Level = LogLevel.Information, Message = "Issued the server certificate for {Names}, valid until {NotAfter:u}")]
        public static partial void Issued(ILogger logger, string names, DateTime notAfter);

        [LoggerMessage(EventId = 202, Level = LogLevel.Information, Message = "Reissuing the server certificate: {Reason}")]
        public static partial void Reissuing(ILogger logger, string reason);
    }
}
