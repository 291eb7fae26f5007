using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Vigil.Server.Features.Events;

internal sealed class SnapshotEventConfiguration : IEntityTypeConfiguration<SnapshotEvent>
{
    public void Configure(EntityTypeBuilder<SnapshotEvent> builder)
    {
        builder.ToTable("Events");
        builder.HasKey(e => e.Id);
        builder.HasIndex(e => e.Key).IsUnique();
        builder.HasIndex(e => new { e.OwnerId, e.Id });
        builder.HasIndex(e => new { e.CameraId, e.Id });
        builder.HasIndex(e => e.OccurredAt);
        builder.Property(e => e.CameraName).HasMaxLength(64);
        builder.Property(e => e.Source).HasMaxLength(16).IsUnicode(false);
        builder.Property(e => e.Subject).HasMaxLength(256);
        builder.Property(e => e.DetectionProblem).HasMaxLength(512);
        builder.Property(e => e.Labels).HasMaxLength(512);
        builder.HasMany(e => e.Pictures).WithOne().HasForeignKey(p => p.EventId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(e => e.Detections).WithOne().HasForeignKey(d => d.EventId).OnDelete(DeleteBehavior.Cascade);
    }
}
