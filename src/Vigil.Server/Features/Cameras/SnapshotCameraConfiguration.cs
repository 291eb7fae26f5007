using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Vigil.Server.Features.Cameras;

internal sealed class SnapshotCameraConfiguration : IEntityTypeConfiguration<SnapshotCamera>
{
    public void Configure(EntityTypeBuilder<SnapshotCamera> builder)
    {
        builder.ToTable("SnapshotCameras");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Name).HasMaxLength(CameraRules.NameMaxLength);
        builder.Property(c => c.SmtpUsername).HasMaxLength(64).IsUnicode(false);
        builder.Property(c => c.SmtpPasswordHash).HasMaxLength(32);
        builder.Property(c => c.IngestTokenHash).HasMaxLength(32);
        builder.Property(c => c.UploadTokenHash).HasMaxLength(32);
        builder.HasIndex(c => c.SmtpUsername).IsUnique();
        builder.HasIndex(c => c.IngestTokenHash).IsUnique();
        builder.HasIndex(c => c.UploadTokenHash).IsUnique();
        builder.HasIndex(c => new { c.OwnerId, c.Name }).IsUnique();
    }
}
