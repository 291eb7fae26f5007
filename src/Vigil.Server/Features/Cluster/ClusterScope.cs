using Vigil.Server.Features.Pki;
using Vigil.Server.Hosting;

namespace Vigil.Server.Features.Cluster;

/// <summary>
/// What sets one cluster's keys in Redis apart from those of another cluster on the same Redis (production and a
/// staging copy, say): the first 16 hex digits of the CA certificate's fingerprint, which every node of one cluster
/// shares and no other cluster has. Shared counters and lists (rate windows, presence) carry it; keys named by a node
/// id (new at every start) or a channel ARN are unique without it.
/// </summary>
internal sealed class ClusterScope(DataDirectory data)
{
    private string? _value;

    /// <summary>Read once the CA exists (it never changes while a node runs); before that, <c>no-ca</c>, not kept.</summary>
    public string Value => _value ?? Read();

    /// <summary>The cluster's pub/sub channel for notices to every node (channel changes, revocations).</summary>
    public string BroadcastChannel => $"vigil:cluster:{Value}";

    private string Read()
    {
        var path = data.PathOf("pki", CertificateAuthority.CertificateFile);
        if (!File.Exists(path))
        {
            return "no-ca"; // a CLI command before the first start; serve creates the CA before it takes requests
        }

        using var ca = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(File.ReadAllText(path));
        return _value = Fingerprint.Of(ca)[..16];
    }
}
