using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;
using Vigil.Server.Features.Devices;
using Vigil.Server.Features.Identity;
using Vigil.Server.Features.Ingest;
using Vigil.Server.Features.Pki;
using Vigil.Server.Features.Signaling;
using Vigil.Server.Hosting;

namespace Vigil.Server.Features.Cluster;

/// <summary>
/// The keys every node of a cluster must share, where they live in a data directory, and their fingerprints.
/// They stay files (as on a single node: outside the database, so a leaked database alone opens nothing);
/// <c>vigil cluster export-keys</c> / <c>import-keys</c> copy them to a new node, and <see cref="ClusterKeyCheck"/>
/// refuses a node whose keys differ from the fingerprints the cluster recorded in the database.
/// </summary>
internal sealed class ClusterKeys(
    DataDirectory data,
    IdentityKeyMaterial identity,
    IKeyManager dataProtectionKeys,
    IDataProtectionProvider dataProtection,
    IOptions<SignalingOptions> signaling)
{
    /// <summary>The key ring's key ids: a ring may gain keys (rotation), never lose the cluster's.</summary>
    public const string DataProtection = "data-protection";

    private static readonly byte[] Label = "vigil/cluster-key-fingerprint/v1"u8.ToArray();

    /// <summary>The shared key files, relative to the data directory (the Data Protection ring's XML files besides).</summary>
    public static readonly string[] Files =
    [
        Path.Combine("pki", CertificateAuthority.KeyFile),
        Path.Combine("pki", CertificateAuthority.CertificateFile),
        Path.Combine("keys", DeviceSecretHasher.KeyFile),
        Path.Combine("keys", IngestWebhookKey.KeyFile),
        Path.Combine("keys", IdentityKeyMaterial.SigningKeyFile),
        Path.Combine("keys", IdentityKeyMaterial.EncryptionKeyFile),
    ];

    public static readonly string DataProtectionDirectory = Path.Combine("keys", "data-protection");

    /// <summary>What the names mean to an operator, for the refusal.</summary>
    public static string Describe(string name) => name switch
    {
        "ca" => "the certificate authority (pki/root-ca.*)",
        "device-secrets" => "the device-secret HMAC key (keys/device-secrets.key)",
        "ingest-webhook" => "the ingest webhook key (keys/ingest-webhook.key)",
        "oidc-signing" => "the OIDC signing key (keys/oidc-signing.key)",
        "oidc-encryption" => "the OIDC encryption key (keys/oidc-encryption.key)",
        DataProtection => "the Data Protection key ring (keys/data-protection/)",
        "turn-secret" => "Signaling:TurnSharedSecret",
        _ => name,
    };

    /// <summary>True when this data directory holds no CA yet (a node that has not been given the cluster's keys).</summary>
    public bool HasNoCertificateAuthority => !File.Exists(data.PathOf("pki", CertificateAuthority.KeyFile));

    /// <summary>This node's fingerprints. Creates what is created on first use anyway (OIDC keys, the first Data Protection key).</summary>
    public Dictionary<string, string> Compute()
    {
        var caPem = File.ReadAllText(data.PathOf("pki", CertificateAuthority.CertificateFile));
        using var ca = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(caPem);
        if (dataProtectionKeys.GetAllKeys().Count == 0)
        {
            // The ring's first key is made on first use; make it now so that it is the one every node copies.
            dataProtection.CreateProtector("vigil/cluster").Protect([0]);
        }

        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["ca"] = Fingerprint.Of(ca),
            ["device-secrets"] = Keyed(Convert.FromBase64String(File.ReadAllText(data.PathOf("keys", DeviceSecretHasher.KeyFile)).Trim())),
            ["ingest-webhook"] = Keyed(Encoding.UTF8.GetBytes(File.ReadAllText(data.PathOf("keys", IngestWebhookKey.KeyFile)).Trim())),
            ["oidc-signing"] = identity.SigningKey.KeyId,
            ["oidc-encryption"] = identity.EncryptionKey.KeyId,
            [DataProtection] = string.Join(",", dataProtectionKeys.GetAllKeys().Select(k => k.KeyId.ToString("D")).Order(StringComparer.Ordinal)),
            ["turn-secret"] = signaling.Value.TurnSharedSecret is { Length: > 0 } turn ? Keyed(Encoding.UTF8.GetBytes(turn)) : "none",
        };
    }

    private static string Keyed(byte[] key) => Convert.ToHexStringLower(HMACSHA256.HashData(key, Label));
}
