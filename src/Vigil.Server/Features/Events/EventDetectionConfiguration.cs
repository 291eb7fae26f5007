using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Vigil.Server.Features.Events;

internal sealed class EventDetectionConfiguration : IEntityTypeConfiguration<EventDetection>
{
    public void Configure(EntityTypeBuilder<EventDetection> builder)
    {
        builder.ToTable("EventDetections");
        builder.HasKey(d => d.Id);
        builder.HasIndex(d => new { d.Label, d.EventId });
        builder.HasIndex(d => d.EventId);
        builder.Property(d => d.Label).HasMaxLength(32);
    }
}
