using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Vigil.Server.Features.Cluster;

internal sealed class ClusterKeyFingerprintConfiguration : IEntityTypeConfiguration<ClusterKeyFingerprint>
{
    public void Configure(EntityTypeBuilder<ClusterKeyFingerprint> builder)
    {
        builder.ToTable("ClusterKeys");
        builder.HasKey(k => k.Name);
        builder.Property(k => k.Name).HasMaxLength(64).IsUnicode(false);
        builder.Property(k => k.Fingerprint).HasMaxLength(4000).IsUnicode(false);
    }
}
