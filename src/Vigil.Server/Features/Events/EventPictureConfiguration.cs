using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Vigil.Server.Features.Events;

internal sealed class EventPictureConfiguration : IEntityTypeConfiguration<EventPicture>
{
    public void Configure(EntityTypeBuilder<EventPicture> builder)
    {
        builder.ToTable("EventPictures");
        builder.HasKey(p => p.Id);
        builder.HasIndex(p => new { p.EventId, p.Index }).IsUnique();
        builder.Property(p => p.FileName).HasMaxLength(256);
        builder.Property(p => p.ContentType).HasMaxLength(64).IsUnicode(false);
        builder.Property(p => p.Path).HasMaxLength(256);
        builder.Property(p => p.ThumbnailPath).HasMaxLength(256);
        builder.Property(p => p.AnnotatedPath).HasMaxLength(256);
    }
}
