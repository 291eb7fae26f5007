using System.Security.Cryptography.X509Certificates;
using Vigil.Server.Hosting;

namespace Vigil.Server.Features.Pki;

/// <summary>
/// Creates or loads the CA and the server certificate, and makes sure both are in the
/// certificate registry (also after the database was replaced, e.g. moved to PostgreSQL).
/// </summary>
internal sealed class PkiInitializer(
    CertificateAuthority authority,
    ServerCertificateProvider serverCertificate,
    IServiceScopeFactory scopes) : IDataInitializer
{
    public int Order => 100;

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        if (!authority.IsLoaded)
        {
            authority.LoadOrCreate();
        }

        serverCertificate.LoadOrIssue();

        await using var scope = scopes.CreateAsyncScope();
        var registry = scope.ServiceProvider.GetRequiredService<CertificateRegistry>();
        await EnsureRecordedAsync(registry, authority.Certificate, CertificateKind.Root, cancellationToken);
        await EnsureRecordedAsync(registry, serverCertificate.Current, CertificateKind.Server, cancellationToken);
    }

    private static async Task EnsureRecordedAsync(CertificateRegistry registry, X509Certificate2 certificate, CertificateKind kind, CancellationToken cancellationToken)
    {
        if (await registry.FindAsync(Fingerprint.Of(certificate), cancellationToken) is null)
        {
            await registry.RecordAsync(certificate, kind, CertificateStatus.Active, template: null, cancellationToken);
        }
    }
}
