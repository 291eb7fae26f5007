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

    /// <summary>
    /// Moves a certificate from PENDING_ACTIVATION to ACTIVE for <paramref name="thingName"/>, atomically:
    /// of two concurrent callers only one wins, which is what makes an ownership token single-use.
    /// </summary>
    public async Task<bool> TryActivateAsync(string id, string thingName, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var changed = await db.Certificates
            .Where(c => c.Id == id && c.Status == CertificateStatus.PendingActivation)
            .ExecuteUpdateAsync(
                set => set.SetProperty(c => c.Status, CertificateStatus.Active)
                    .SetProperty(c => c.ThingName, thingName)
                    .SetProperty(c => c.StatusChangedAt, now),
                cancellationToken);
        return changed == 1;
    }

    /// <summary>Sets the status of a certificate (revocation, deactivation); returns false when it does not exist.</summary>
    public async Task<bool> SetStatusAsync(string id, CertificateStatus status, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var changed = await db.Certificates
            .Where(c => c.Id == id)
            .ExecuteUpdateAsync(set => set.SetProperty(c => c.Status, status).SetProperty(c => c.StatusChangedAt, now), cancellationToken);
        return changed == 1;
    }

    /// <summary>The ids of the device certificates of thing <paramref name="thingName"/> (its current one, <paramref name="certificateId"/>, and any other issued to it) that are not revoked.</summary>
    public Task<List<string>> UnrevokedDeviceCertificatesAsync(string thingName, string certificateId, CancellationToken cancellationToken) =>
        db.Certificates.AsNoTracking()
            .Where(c => c.Kind == CertificateKind.Device && (c.Id == certificateId || c.ThingName == thingName) && c.Status != CertificateStatus.Revoked)
            .Select(c => c.Id)
            .ToListAsync(cancellationToken);

    /// <summary>Certificates whose status changed at or after <paramref name="since"/> (for endpoints that hold connections).</summary>
    public Task<List<CertificateRecord>> ChangedSinceAsync(DateTimeOffset since, CancellationToken cancellationToken) =>
        db.Certificates.AsNoTracking()
            .Where(c => c.StatusChangedAt != null && c.StatusChangedAt >= since)
            .ToListAsync(cancellationToken);

    /// <summary>Deletes device certificates still PENDING_ACTIVATION that were created before <paramref name="createdBefore"/>.</summary>
    public Task<int> DeletePendingAsync(DateTimeOffset createdBefore, CancellationToken cancellationToken) =>
        db.Certificates
            .Where(c => c.Kind == CertificateKind.Device && c.Status == CertificateStatus.PendingActivation && c.CreatedAt < createdBefore)
            .ExecuteDeleteAsync(cancellationToken);
}
