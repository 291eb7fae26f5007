using System.Security.Cryptography.X509Certificates;
using Microsoft.EntityFrameworkCore;
using Vigil.Server.Storage;

namespace Vigil.Server.Features.Pki;

/// <summary>
/// The record of every certificate Vigil's CA issued. TLS endpoints and fleet provisioning ask it
/// what a presented certificate is (claim, device, server) and whether it is still usable.
/// </summary>
internal sealed class CertificateRegistry(VigilDbContext db, TimeProvider time)
{
    public async Task<CertificateRecord> RecordAsync(
        X509Certificate2 certificate,
        CertificateKind kind,
        CertificateStatus status,
        string? template,
        CancellationToken cancellationToken)
    {
        var record = new CertificateRecord
        {
            Id = Fingerprint.Of(certificate),
            Kind = kind,
            Subject = certificate.Subject,
            SerialNumber = certificate.SerialNumber,
            Status = status,
            NotBefore = new DateTimeOffset(certificate.NotBefore.ToUniversalTime(), TimeSpan.Zero),
            NotAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero),
            CreatedAt = time.GetUtcNow(),
            Template = template,
            Pem = certificate.ExportCertificatePem(),
        };
        db.Certificates.Add(record);
        await db.SaveChangesAsync(cancellationToken);
        return record;
    }

    public Task<CertificateRecord?> FindAsync(string id, CancellationToken cancellationToken) =>
        db.Certificates.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, cancellationToken);

    public Task<List<CertificateRecord>> ListAsync(CertificateKind? kind, CancellationToken cancellationToken) =>
        db.Certificates.AsNoTracking()
            .Where(c => kind == null || c.Kind == kind)
            .OrderBy(c => c.CreatedAt)
            .ToListAsync(cancellationToken);
}
