using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Vigil.Contracts.Agent;
using Vigil.Server.Features.Credentials;
using Vigil.Server.Features.Pki;
using Vigil.Server.Hosting;
using Vigil.Shared;

namespace Vigil.Server.Features.Provisioning;

/// <summary>
/// Issues a claim certificate and writes the files a camera image needs: <c>claim.cert.pem</c>,
/// <c>claim.private.key</c> (0600), <c>root-ca.pem</c> and <c>agent.json</c> (the endpoints).
/// </summary>
internal sealed partial class ClaimBundleWriter(
    CertificateAuthority authority,
    CertificateRegistry registry,
    IOptions<PkiOptions> pkiOptions,
    IOptions<ServerOptions> serverOptions,
    IOptions<ProvisioningOptions> provisioningOptions,
    IOptions<CredentialsProviderOptions> credentialsOptions,
    IOptions<AwsOptions> awsOptions,
    ILogger<ClaimBundleWriter> logger)
{
    public static readonly string[] FileNames = ["claim.cert.pem", "claim.private.key", "root-ca.pem", "agent.json"];

    public async Task<ClaimBundle> WriteAsync(string outputDirectory, string? template, bool overwrite, CancellationToken cancellationToken)
    {
        template ??= provisioningOptions.Value.DefaultTemplate;
        if (!TemplateName().IsMatch(template))
        {
            throw new ClaimBundleException($"'{template}' is not a provisioning template name (1 to 36 letters, digits, '-' or '_')");
        }

        var directory = Path.GetFullPath(outputDirectory);
        if (File.Exists(directory))
        {
            throw new ClaimBundleException($"{directory} is a file, not a directory");
        }

        var existing = FileNames.Where(f => File.Exists(Path.Combine(directory, f))).ToList();
        if (existing.Count > 0 && !overwrite)
        {
            throw new ClaimBundleException($"{directory} already holds {string.Join(", ", existing)}; use --force to replace them (the old claim certificate stays valid until revoked)");
        }

        Directory.CreateDirectory(directory);

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var subject = new X500DistinguishedName($"CN=Vigil claim {template} {Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}, O=Vigil");
        var profile = new CertificateProfile(CertificateProfile.ClientAuthentication, TimeSpan.FromDays(pkiOptions.Value.ClaimCertificateDays));
        using var certificate = authority.Issue(subject, new PublicKey(key), profile);
        var record = await registry.RecordAsync(certificate, CertificateKind.Claim, CertificateStatus.Active, template, cancellationToken);

        var server = serverOptions.Value;
        var host = server.EffectivePublicHost;
        // With the front door on, the camera uses it for everything (MQTT told apart by its ALPN protocol).
        var frontDoor = server.FrontDoorPort;
        var agent = new AgentConfiguration
        {
            Mqtt = frontDoor is { } door
                ? new MqttEndpoint { Host = host, Port = door, Alpn = "x-amzn-mqtt-ca" }
                : new MqttEndpoint { Host = host, Port = provisioningOptions.Value.MqttPort },
            CredentialsProvider = new CredentialsProviderEndpoint
            {
                Url = frontDoor is { } port ? HttpsUrl(server.EffectiveFrontDoorCredentialsHost, port) : HttpsUrl(host, credentialsOptions.Value.Port),
                RoleAlias = credentialsOptions.Value.DefaultRoleAlias,
            },
            HttpsBaseUrl = HttpsUrl(host, frontDoor ?? server.HttpsPort),
            ProvisioningTemplate = template,
            Region = awsOptions.Value.Region,
        };

        DurableFile.Write(Path.Combine(directory, agent.ClaimPrivateKeyFile), key.ExportPkcs8PrivateKeyPem(), DurableFile.OwnerOnly);
        DurableFile.Write(Path.Combine(directory, agent.ClaimCertificateFile), certificate.ExportCertificatePem(), DurableFile.WorldReadable);
        DurableFile.Write(Path.Combine(directory, agent.RootCaFile), authority.CertificatePem, DurableFile.WorldReadable);
        DurableFile.Write(
            Path.Combine(directory, "agent.json"),
            JsonSerializer.Serialize(agent, AgentJsonContext.Default.AgentConfiguration) + "\n",
            DurableFile.WorldReadable);

        Log.ClaimIssued(logger, record.Id, template);
        return new ClaimBundle(directory, record.Id, template, record.NotAfter);
    }

    private static Uri HttpsUrl(string host, int port)
    {
        var builder = new UriBuilder(Uri.UriSchemeHttps, host, port == 443 ? -1 : port);
        return builder.Uri;
    }

    [GeneratedRegex(ProvisioningOptions.TemplateNamePattern)]
    private static partial Regex TemplateName();

    private static partial class Log
    {
        [LoggerMessage(EventId = 203, Level = LogLevel.Information, Message = "Issued claim certificate {CertificateId} for template {Template}")]
        public static partial void ClaimIssued(ILogger logger, string certificateId, string template);
    }
}
