using System.Net;
using System.Security.Cryptography.X509Certificates;
using Vigil.Server.Features.Pki;
using Vigil.TestSupport;

namespace Vigil.Server.Tests.Features.Pki;

public sealed class ServerCertificateProviderTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static HashSet<string> Names(X509Certificate2 certificate)
    {
        var san = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        return san.EnumerateDnsNames().Concat(san.EnumerateIPAddresses().Select(a => a.ToString())).ToHashSet();
    }

    [Fact]
    public async Task The_server_certificate_covers_loopback_the_host_name_and_configured_names()
    {
        await using var vigil = await TestVigil.StartAsync("Sqlite", new Dictionary<string, string?>
        {
            ["Server:PublicHost"] = "vigil.example.lan",
            ["Pki:ServerNames:0"] = "cameras.example.lan",
            ["Pki:ServerNames:1"] = "192.0.2.10",
        }, Ct);

        var certificate = vigil.Services.GetRequiredService<ServerCertificateProvider>().Current;

        Assert.True(certificate.HasPrivateKey);
        Assert.Superset(
            new HashSet<string> { "vigil.example.lan", "cameras.example.lan", "192.0.2.10", "localhost", "127.0.0.1", "::1", Dns.GetHostName().ToLowerInvariant() },
            Names(certificate));
        Assert.Equal("1.3.6.1.5.5.7.3.1", certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages[0].Value);
    }

    [Theory]
    [MemberData(nameof(StorageProviders.All), MemberType = typeof(StorageProviders))]
    public async Task The_root_and_server_certificates_are_recorded_in_the_certificate_registry(string provider)
    {
        await using var vigil = await TestVigil.StartAsync(provider, cancellationToken: Ct);
        var root = vigil.Services.GetRequiredService<CertificateAuthority>().Certificate;
        var server = vigil.Services.GetRequiredService<ServerCertificateProvider>().Current;

        var records = await vigil.InScopeAsync<CertificateRegistry, List<CertificateRecord>>(r => r.ListAsync(null, Ct));

        Assert.Equal(
            new[] { (Fingerprint.Of(root), CertificateKind.Root), (Fingerprint.Of(server), CertificateKind.Server) }.Order(),
            records.Select(r => (r.Id, r.Kind)).Order());
        Assert.All(records, r => Assert.Equal(CertificateStatus.Active, r.Status));
        Assert.Equal(64, records[0].Id.Length);
    }

    [Fact]
    public async Task A_new_configured_name_reissues_the_certificate_and_an_unchanged_setup_keeps_it()
    {
        using var directory = new TempDirectory();
        async Task<byte[]> StartWith(string name)
        {
            var settings = new Dictionary<string, string?> { ["Pki:ServerNames:0"] = name };
            var data = new Vigil.Server.Hosting.DataDirectory(directory.Path);
            using var host = Vigil.Server.Hosting.VigilHost.BuildCommandHost(data, settings);
            await host.Services.GetRequiredService<Vigil.Server.Hosting.VigilInitializer>().InitializeAsync(Ct);
            return host.Services.GetRequiredService<ServerCertificateProvider>().Current.RawData;
        }

        var first = await StartWith("one.example.lan");
        var same = await StartWith("one.example.lan");
        var reissued = await StartWith("two.example.lan");

        Assert.Equal(first, same);
        Assert.NotEqual(first, reissued);
        Assert.Contains("two.example.lan", Names(X509CertificateLoader.LoadCertificate(reissued)));
    }
}
