using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Vigil.Server.Features.Devices;

namespace Vigil.Server.Features.Cameras;

internal sealed class CameraConfiguration : IEntityTypeConfiguration<Camera>
{
    public void Configure(EntityTypeBuilder<Camera> builder)
    {
        builder.ToTable("Cameras");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Name).HasMaxLength(CameraRules.NameMaxLength);
        builder.Property(c => c.Serial).HasMaxLength(RegistryRules.SerialMaxLength).IsUnicode(false);
        builder.Property(c => c.SmtpUsername).HasMaxLength(64).IsUnicode(false);
        builder.Property(c => c.SmtpPasswordHash).HasMaxLength(32);
        builder.Property(c => c.IngestTokenHash).HasMaxLength(32);
        builder.Property(c => c.UploadTokenHash).HasMaxLength(32);
        builder.Ignore(c => c.Kind);
        builder.Ignore(c => c.HasSnapshotIngest);
        // One owner per serial; several NULLs (snapshot cameras) are allowed by both providers.
        builder.HasIndex(c => c.Serial).IsUnique();
        builder.HasIndex(c => c.SmtpUsername).IsUnique();
        builder.HasIndex(c => c.IngestTokenHash).IsUnique();
        builder.HasIndex(c => c.UploadTokenHash).IsUnique();
        builder.HasIndex(c => new { c.OwnerId, c.Name }).IsUnique();
    }
}
