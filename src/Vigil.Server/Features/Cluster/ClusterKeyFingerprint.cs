namespace Vigil.Server.Features.Cluster;

/// <summary>
/// The fingerprint of one key every cluster node must share, recorded by the first node that started in
/// cluster mode: a node whose own key differs refuses to start. Never the key: a hash of a public part, or an
/// HMAC of a fixed label under a secret key (which tells nothing about a 256-bit key).
/// </summary>
internal sealed class ClusterKeyFingerprint
{
    /// <summary>Which key: <c>ca</c>, <c>device-secrets</c>, <c>oidc-signing</c>, ... (see <see cref="ClusterKeys"/>).</summary>
    public required string Name { get; set; }

    /// <summary>Hex SHA-256 (or, for the Data Protection key ring, the ids of its keys).</summary>
    public required string Fingerprint { get; set; }

    public DateTimeOffset RecordedAt { get; set; }
}
