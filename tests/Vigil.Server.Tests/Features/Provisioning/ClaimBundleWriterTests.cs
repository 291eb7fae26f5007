using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Vigil.Contracts.Agent;
using Vigil.Server.Features.Pki;
using Vigil.Server.Features.Provisioning;
using Vigil.TestSupport;

namespace Vigil.Server.Tests.Features.Provisioning;

public sealed class ClaimBundleWriterTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(StorageProviders.All), MemberType = typeof(StorageProviders))]
    public async Task The_bundle_holds_a_claim_certificate_openssl_verifies_its_private_key_and_the_endpoints(string provider)
    {
        await using var vigil = await TestVigil.StartAsync(provider, new Dictionary<string, string?>
        {
            ["Server:PublicHost"] = "vigil.example.lan",
            ["Server:HttpsPort"] = "443",
            ["Aws:Region"] = "eu-central-1",
        }, Ct);
        using var output = new TempDirectory("claim");

        var bundle = await vigil.InScopeAsync<ClaimBundleWriter, ClaimBundle>(w => w.WriteAsync(output.Path, "CameraTemplate", overwrite: false, Ct));

        var verify = await OpenSsl.VerifyAsync(output.File("root-ca.pem"), output.File("claim.cert.pem"), Ct);
        Assert.True(verify.ExitCode == 0, verify.StandardOutput + verify.StandardError);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(output.File("claim.private.key")));

        using var certificate = X509Certificate2.CreateFromPemFile(output.File("claim.cert.pem"), output.File("claim.private.key"));
        Assert.True(certificate.HasPrivateKey);
        Assert.Equal(bundle.CertificateId, Convert.ToHexStringLower(SHA256.HashData(certificate.RawData)));
        Assert.Equal("1.3.6.1.5.5.7.3.2", certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages[0].Value);

        var agent = JsonSerializer.Deserialize(await File.ReadAllTextAsync(output.File("agent.json"), Ct), AgentJsonContext.Default.AgentConfiguration)!;
        Assert.Equal(("vigil.example.lan", 8883), (agent.Mqtt.Host, agent.Mqtt.Port));
        Assert.Equal(new Uri("https://vigil.example.lan:8444/"), agent.CredentialsProvider.Url);
        Assert.Equal("VigilCameraRoleAlias", agent.CredentialsProvider.RoleAlias);
        Assert.Equal(new Uri("https://vigil.example.lan/"), agent.HttpsBaseUrl);
        Assert.Equal(("CameraTemplate", "eu-central-1"), (agent.ProvisioningTemplate, agent.Region));

        var record = await vigil.InScopeAsync<CertificateRegistry, CertificateRecord?>(r => r.FindAsync(bundle.CertificateId, Ct));
        Assert.NotNull(record);
        Assert.Equal((CertificateKind.Claim, CertificateStatus.Active, "CameraTemplate"), (record.Kind, record.Status, record.Template));
    }

    [Fact]
    public async Task An_existing_bundle_is_not_replaced_without_force()
    {
        await using var vigil = await TestVigil.StartAsync("Sqlite", cancellationToken: Ct);
        using var output = new TempDirectory("claim");
        var first = await vigil.InScopeAsync<ClaimBundleWriter, ClaimBundle>(w => w.WriteAsync(output.Path, null, overwrite: false, Ct));
        var key = await File.ReadAllTextAsync(output.File("claim.private.key"), Ct);

        var error = await Assert.ThrowsAsync<ClaimBundleException>(() => vigil.InScopeAsync<ClaimBundleWriter, ClaimBundle>(w => w.WriteAsync(output.Path, null, overwrite: false, Ct)));
        Assert.Contains("use --force", error.Message, StringComparison.Ordinal);
        Assert.Equal(key, await File.ReadAllTextAsync(output.File("claim.private.key"), Ct));

        var second = await vigil.InScopeAsync<ClaimBundleWriter, ClaimBundle>(w => w.WriteAsync(output.Path, null, overwrite: true, Ct));
        Assert.NotEqual(first.CertificateId, second.CertificateId);
        Assert.Equal("VigilCameraTemplate", second.Template);
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("")]
    [InlineData("a-template-name-that-is-far-too-long-for-aws")]
    [InlineData("../escape")]
    public async Task A_bad_template_name_is_refused_before_anything_is_issued(string template)
    {
        await using var vigil = await TestVigil.StartAsync("Sqlite", cancellationToken: Ct);
        using var output = new TempDirectory("claim");

        await Assert.ThrowsAsync<ClaimBundleException>(() => vigil.InScopeAsync<ClaimBundleWriter, ClaimBundle>(w => w.WriteAsync(output.Path, template, overwrite: false, Ct)));

        Assert.Empty(Directory.EnumerateFiles(output.Path));
        var claims = await vigil.InScopeAsync<CertificateRegistry, List<CertificateRecord>>(r => r.ListAsync(CertificateKind.Claim, Ct));
        Assert.Empty(claims);
    }
}
