using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Vigil.Server.Features.Pki;

internal sealed class CertificateRecordConfiguration : IEntityTypeConfiguration<CertificateRecord>
{
    public void Configure(EntityTypeBuilder<CertificateRecord> builder)
    {
        builder.ToTable("Certificates");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Id).HasMaxLength(64).IsUnicode(false);
        builder.Property(c => c.Kind).HasConversion<string>().HasMaxLength(16);
        builder.Property(c => c.Status).HasConversion<string>().HasMaxLength(24);
        builder.Property(c => c.Subject).HasMaxLength(512);
        builder.Property(c => c.SerialNumber).HasMaxLength(64).IsUnicode(false);
        builder.Property(c => c.Template).HasMaxLength(64);
        builder.Property(c => c.ThingName).HasMaxLength(128);
        builder.Property(c => c.Pem).HasMaxLength(16_384);
        builder.HasIndex(c => new { c.Kind, c.Status });
        builder.HasIndex(c => c.ThingName);
    }
}
