using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Vigil.Server.Features.Cluster;

/// <summary>
/// One key of the Data Protection key ring that the nodes of a cluster share (<see cref="ClusterKeyRing"/>), sealed:
/// the key's XML encrypted and authenticated with a key derived from the cluster's device-secret key, which is a
/// file on each node, so that the database alone opens nothing.
/// </summary>
internal sealed class KeyRingEntry
{
    /// <summary>Data Protection's name for the element (<c>key-&lt;id&gt;</c>, or <c>revocation-…</c>).</summary>
    public required string Name { get; set; }

    /// <summary>Base64 of nonce (12 bytes), tag (16) and the AES-GCM ciphertext of the element's XML.</summary>
    public required string Sealed { get; set; }

    public DateTimeOffset StoredAt { get; set; }
}

internal sealed class KeyRingEntryConfiguration : IEntityTypeConfiguration<KeyRingEntry>
{
    public void Configure(EntityTypeBuilder<KeyRingEntry> builder)
    {
        builder.ToTable("KeyRing");
        builder.HasKey(k => k.Name);
        builder.Property(k => k.Name).HasMaxLength(128).IsUnicode(false);
        builder.Property(k => k.Sealed).IsUnicode(false);
    }
}
