using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Vigil.Server.Features.Cluster;
using Vigil.Server.Features.Devices;
using Vigil.Server.Features.Pki;
using Vigil.Server.Features.Provisioning;
using Vigil.Server.Hosting;
using Vigil.Server.Storage;
using Vigil.Shared;

namespace Vigil.Server.Features.Integrations;

/// <summary>
/// Issues, lists and revokes integration identities: a client certificate from Vigil's CA whose
/// MQTT policy is "subscribe to Vigil's topics and the discovery prefix, publish nothing", limited
/// to one owner's cameras unless it was created for all owners (<see cref="Integration.OwnerId"/>).
/// The private key is made here, written once into the bundle (0600) and never stored.
/// </summary>
internal sealed partial class IntegrationDirectory(
    VigilDbContext db,
    CertificateAuthority authority,
    CertificateRegistry certificates,
    ThingRegistry things,
    RevocationNotice revocations,
    IOptions<IntegrationsOptions> options,
    IOptions<ProvisioningOptions> provisioning,
    TimeProvider time,
    ILogger<IntegrationDirectory> logger)
{
    public const string CertificateFile = "integration.cert.pem";
    public const string KeyFile = "integration.private.key";
    public const string RootCaFile = "root-ca.pem";
    public static readonly string[] FileNames = [CertificateFile, KeyFile, RootCaFile];

    /// <summary>
    /// Creates an integration that reads the cameras of <paramref name="ownerId"/>, or of every owner
    /// when it is null (the caller makes that choice explicitly: <c>--all-owners</c>).
    /// </summary>
    public async Task<IntegrationBundle> CreateAsync(string name, Guid? ownerId, string outputDirectory, bool overwrite, CancellationToken cancellationToken)
    {
        if (!IntegrationNames.IsValid(name))
        {
            throw new IntegrationException($"'{name}' is not an integration name: 1 to {IntegrationNames.MaxLength} letters, digits, '-' or '_', starting with a letter or digit (it is also the MQTT client id)");
        }

        if (await db.Set<Integration>().AnyAsync(i => i.Name == name, cancellationToken))
        {
            throw new IntegrationException($"an integration named '{name}' exists; revoke it first (vigil integrations revoke {name}) or pick another name");
        }

        // The name is the MQTT client id; a thing connects with its own name, and two connections
        // with one client id take each other over (MQTT §3.1.4).
        if (await things.FindAsync(name, cancellationToken) is not null)
        {
            throw new IntegrationException($"'{name}' is a thing's name (and so a camera's MQTT client id); pick another name");
        }

        var directory = Path.GetFullPath(outputDirectory);
        if (File.Exists(directory))
        {
            throw new IntegrationException($"{directory} is a file, not a directory");
        }

        var existing = FileNames.Where(f => File.Exists(Path.Combine(directory, f))).ToList();
        if (existing.Count > 0 && !overwrite)
        {
            throw new IntegrationException($"{directory} already holds {string.Join(", ", existing)}; use --force to replace them");
        }

        Directory.CreateDirectory(directory);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var subject = new X500DistinguishedName($"CN=Vigil integration {name}, O=Vigil");
        var profile = new CertificateProfile(CertificateProfile.ClientAuthentication, TimeSpan.FromDays(options.Value.CertificateDays));
        using var certificate = authority.Issue(subject, new PublicKey(key), profile);

        // The key is on disk before the certificate is usable, so a crash leaves at worst an
        // unused certificate (and no integration row: create again).
        DurableFile.Write(Path.Combine(directory, KeyFile), key.ExportPkcs8PrivateKeyPem(), DurableFile.OwnerOnly);
        DurableFile.Write(Path.Combine(directory, CertificateFile), certificate.ExportCertificatePem(), DurableFile.WorldReadable);
        DurableFile.Write(Path.Combine(directory, RootCaFile), authority.CertificatePem, DurableFile.WorldReadable);

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var record = await certificates.RecordAsync(certificate, CertificateKind.Integration, CertificateStatus.Active, null, cancellationToken);
        db.Set<Integration>().Add(new Integration { Name = name, CertificateId = record.Id, CreatedAt = time.GetUtcNow(), OwnerId = ownerId });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        Log.Created(logger, name, record.Id, ownerId?.ToString() ?? "all owners");
        return new IntegrationBundle(name, directory, record.Id, record.NotAfter, provisioning.Value.MqttPort, ownerId);
    }

    public async Task<IReadOnlyList<IntegrationView>> ListAsync(CancellationToken cancellationToken)
    {
        var integrations = await db.Set<Integration>().AsNoTracking().OrderBy(i => i.Name).ToListAsync(cancellationToken);
        var records = (await certificates.ListAsync(CertificateKind.Integration, cancellationToken)).ToDictionary(c => c.Id, StringComparer.Ordinal);
        return [.. integrations.Select(i => records.TryGetValue(i.CertificateId, out var c)
            ? new IntegrationView(i.Name, i.CertificateId, c.Status, i.CreatedAt, c.NotAfter, i.OwnerId)
            : new IntegrationView(i.Name, i.CertificateId, CertificateStatus.Revoked, i.CreatedAt, i.CreatedAt, i.OwnerId))];
    }

    /// <summary>The integration a certificate belongs to, or null (the broker asks at CONNECT).</summary>
    public Task<Integration?> FindByCertificateAsync(string certificateId, CancellationToken cancellationToken) =>
        db.Set<Integration>().AsNoTracking().SingleOrDefaultAsync(i => i.CertificateId == certificateId, cancellationToken);

    public Task<bool> ExistsAsync(string name, CancellationToken cancellationToken) =>
        db.Set<Integration>().AnyAsync(i => i.Name == name, cancellationToken);

    /// <summary>
    /// Revokes the integration's certificate (a live connection on any node is dropped at once on the
    /// <see cref="RevocationNotice"/>, else within <c>Provisioning:CertificateRecheckInterval</c>) and frees its name, so a revoked integration
    /// is not found again (there is no <see cref="RevokeOutcome.AlreadyRevoked"/>).
    /// </summary>
    public async Task<RevokeOutcome> RevokeAsync(string name, CancellationToken cancellationToken)
    {
        var integration = await db.Set<Integration>().SingleOrDefaultAsync(i => i.Name == name, cancellationToken);
        if (integration is null)
        {
            return RevokeOutcome.NotFound;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await certificates.SetStatusAsync(integration.CertificateId, CertificateStatus.Revoked, cancellationToken);
        db.Set<Integration>().Remove(integration);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        Log.Revoked(logger, name, integration.CertificateId);
        await revocations.AnnounceAsync(cancellationToken);
        return RevokeOutcome.Revoked;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7601, Level = LogLevel.Information, Message = "Integration {Name} created, certificate {CertificateId}, reads the cameras of {Scope}")]
        public static partial void Created(ILogger logger, string name, string certificateId, string scope);

        [LoggerMessage(EventId = 7602, Level = LogLevel.Information, Message = "Integration {Name} revoked, certificate {CertificateId}")]
        public static partial void Revoked(ILogger logger, string name, string certificateId);
    }
}
