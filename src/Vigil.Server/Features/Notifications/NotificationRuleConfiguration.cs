using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Vigil.Server.Features.Notifications;

internal sealed class NotificationRuleConfiguration : IEntityTypeConfiguration<NotificationRule>
{
    public void Configure(EntityTypeBuilder<NotificationRule> builder)
    {
        builder.ToTable("NotificationRules");
        builder.HasKey(r => r.Id);
        builder.HasIndex(r => r.OwnerId);
        builder.Property(r => r.Name).HasMaxLength(64);
        builder.Property(r => r.CameraIds).HasMaxLength(2048).IsUnicode(false);
        builder.Property(r => r.Labels).HasMaxLength(1024);
        builder.Property(r => r.QuietHours).HasMaxLength(11).IsUnicode(false);
        builder.Property(r => r.EmailTo).HasMaxLength(254);
        builder.Property(r => r.WebhookUrl).HasMaxLength(2048);
        builder.Ignore(r => r.WebhookSecret);
        builder.Property(r => r.ProtectedWebhookSecret).HasColumnName("WebhookSecret").HasMaxLength(1024);
        builder.Ignore(r => r.CameraList);
        builder.Ignore(r => r.LabelList);
    }
}
