using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Vigil.Server.Features.Integrations;

internal sealed class IntegrationConfiguration : IEntityTypeConfiguration<Integration>
{
    public void Configure(EntityTypeBuilder<Integration> builder)
    {
        builder.ToTable("Integrations");
        builder.HasKey(i => i.Name);
        builder.Property(i => i.Name).HasMaxLength(IntegrationNames.MaxLength).IsUnicode(false);
        builder.Property(i => i.CertificateId).HasMaxLength(64).IsUnicode(false);
        builder.HasIndex(i => i.CertificateId).IsUnique();
    }
}
