using System.Security.Cryptography.X509Certificates;
using Vigil.Server.Hosting;
using Vigil.Server.Tests.Support;

namespace Vigil.Server.Tests.Features.Credentials;

/// <summary>
/// aws-crt's X.509 credentials provider (npm <c>aws-crt</c>, <c>AwsCredentialsProvider.newX509</c>, pinned in
/// tests/compat/package-lock.json), which connects to port 443 and nothing else, against the front door on
/// 127.0.0.1:443 (tests/compat/x509-credentials.mjs). Its host names resolve as a firmware image's would through
/// DNS: Node runs in a mount namespace of its own (unshare) where /etc/hosts maps them to 127.0.0.1.
/// </summary>
public sealed class AwsCrtCredentialsProviderTests
{
    private const string PublicHost = "vigil.test";
    private const string CredentialsHost = "credentials.vigil.test";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_x509_provider_fetches_the_cameras_credentials_on_443_and_a_request_it_signs_may_describe_only_its_own_channel()
    {
        Assert.True(Environment.UserName == "root" || Environment.GetEnvironmentVariable("USER") == "root",
            "This test binds 127.0.0.1:443 and mounts a hosts file in a private mount namespace: run it as root (./test.sh does here).");
        var log = new LogCapture();
        RunningVigil vigil;
        try
        {
            vigil = await RunningVigil.StartAsync(
                settings: new Dictionary<string, string?> { ["Server:PublicHost"] = PublicHost, ["Server:FrontDoorPort"] = "443" },
                services: log.Register,
                cancellationToken: Ct);
        }
        catch (StartupException e)
        {
            Assert.Fail($"The front door could not listen on 127.0.0.1:443, which aws-crt's X.509 provider requires: {e.Message}. Free the port (another Vigil or web server?) and run as root.");
            return;
        }

        await using var _ = vigil;
        await DeviceClients.ImportAsync(vigil, "CAM-A", "CAM-B");
        using var claim = await DeviceClients.NewClaimAsync(vigil, cancellationToken: Ct);
        using var cameraA = await DeviceClients.ProvisionAsync(vigil, claim, "CAM-A", cancellationToken: Ct);
        using var cameraB = await DeviceClients.ProvisionAsync(vigil, claim, "CAM-B", cancellationToken: Ct);
        using var files = new TempDirectory("x509");
        await File.WriteAllTextAsync(files.File("root-ca.pem"), vigil.RootCertificate.ExportCertificatePem(), Ct);
        await File.WriteAllTextAsync(files.File("hosts"), $"127.0.0.1 localhost {PublicHost} {CredentialsHost}\n::1 localhost\n", Ct);

        var result = await CompatClients.RunAsync(
            "x509-credentials.mjs",
            new
            {
                host = PublicHost,
                credentialsHost = CredentialsHost,
                thingName = "CAM-A",
                roleAlias = "VigilCameraRoleAlias",
                region = "us-east-1",
                cert = cameraA.ExportCertificatePem(),
                key = cameraA.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem(),
                ca = vigil.RootCertificate.ExportCertificatePem(),
                ownChannel = "CAM-A",
                otherChannel = "CAM-B",
            },
            files.File("root-ca.pem"),
            Ct,
            requiredPackage: "aws-crt",
            launcher: HostsFileLauncher(files.File("hosts")));

        Assert.Equal(["credentials", "describe-own-channel", "describe-other-channel-refused"], result.EnumerateObject().Select(p => p.Name));
        Assert.All(result.EnumerateObject(), p => Assert.True(p.Value.GetString() == "ok", $"{p.Name}: {p.Value}"));
        // Through the front door's credentials route (the provider's own port is a free one here, not 443).
        var issued = await log.WaitForAsync(l => l.Message.Contains("to thing CAM-A for role alias VigilCameraRoleAlias", StringComparison.Ordinal), Ct);
        Assert.StartsWith("Credentials provider issued ASIA", issued.Message, StringComparison.Ordinal);
    }

    /// <summary>Runs a command in a private mount namespace where <paramref name="hostsFile"/> is /etc/hosts (nothing outside sees it).</summary>
    internal static IReadOnlyList<string> HostsFileLauncher(string hostsFile) =>
        [Requirements.Executable("unshare"), "--mount", "--propagation", "private", "sh", "-c", "mount --bind \"$0\" /etc/hosts && exec \"$@\"", hostsFile];
}
