using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Vigil.Server.Features.Notifications;

internal sealed class NotificationDeliveryConfiguration : IEntityTypeConfiguration<NotificationDelivery>
{
    public void Configure(EntityTypeBuilder<NotificationDelivery> builder)
    {
        builder.ToTable("NotificationDeliveries");
        builder.HasKey(d => d.Id);
        builder.HasIndex(d => new { d.EventKey, d.RuleId, d.Action }).IsUnique();
        builder.HasIndex(d => new { d.OwnerId, d.CameraId, d.Label, d.CreatedAt });
        builder.HasIndex(d => new { d.OwnerId, d.CreatedAt });
        builder.HasIndex(d => new { d.Status, d.NextAttemptAt });
        builder.Property(d => d.Label).HasMaxLength(32);
        builder.Property(d => d.Action).HasMaxLength(16).IsUnicode(false);
        builder.Property(d => d.Target).HasMaxLength(2048);
        builder.Property(d => d.Status).HasConversion<string>().HasMaxLength(16).IsUnicode(false);
        builder.Property(d => d.Reason).HasMaxLength(256);
        builder.Property(d => d.LastError).HasMaxLength(512);
    }
}
