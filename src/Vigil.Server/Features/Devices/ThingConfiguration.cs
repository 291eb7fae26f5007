using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Vigil.Server.Features.Devices;

internal sealed class ThingConfiguration : IEntityTypeConfiguration<Thing>
{
    public void Configure(EntityTypeBuilder<Thing> builder)
    {
        builder.ToTable("Things");
        builder.HasKey(t => t.Name);
        builder.Property(t => t.Name).HasMaxLength(ThingNames.MaxLength).IsUnicode(false);
        builder.Property(t => t.ThingTypeName).HasMaxLength(128);
        builder.Property(t => t.AttributesJson).HasMaxLength(16_384);
        builder.Property(t => t.ThingGroupsJson).HasMaxLength(4_096);
        builder.Property(t => t.Template).HasMaxLength(64);
        builder.Property(t => t.Serial).HasMaxLength(RegistryRules.SerialMaxLength).IsUnicode(false);
        builder.Property(t => t.CertificateId).HasMaxLength(64).IsUnicode(false);
        builder.HasIndex(t => t.CertificateId);
        builder.HasIndex(t => t.Online);
        builder.HasIndex(t => t.Serial).IsUnique();
        builder.HasIndex(t => t.PresenceChangedAt);
    }
}
