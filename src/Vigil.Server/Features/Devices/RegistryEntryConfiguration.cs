using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Vigil.Server.Features.Devices;

internal sealed class RegistryEntryConfiguration : IEntityTypeConfiguration<RegistryEntry>
{
    public void Configure(EntityTypeBuilder<RegistryEntry> builder)
    {
        builder.ToTable("RegistryEntries");
        builder.HasKey(e => e.Serial);
        builder.Property(e => e.Serial).HasMaxLength(RegistryRules.SerialMaxLength).IsUnicode(false);
        builder.Property(e => e.SecretHash).HasMaxLength(32);
        builder.Property(e => e.Model).HasMaxLength(RegistryRules.ModelMaxLength);
        builder.HasIndex(e => e.ImportId);
        builder.HasOne<RegistryImport>().WithMany().HasForeignKey(e => e.ImportId).OnDelete(DeleteBehavior.Restrict);
    }
}
