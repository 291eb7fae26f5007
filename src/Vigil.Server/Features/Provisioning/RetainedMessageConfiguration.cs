using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Vigil.Server.Features.Devices;

namespace Vigil.Server.Features.Provisioning;

internal sealed class RetainedMessageConfiguration : IEntityTypeConfiguration<RetainedMessage>
{
    public void Configure(EntityTypeBuilder<RetainedMessage> builder)
    {
        builder.ToTable("RetainedMessages");
        builder.HasKey(m => m.Topic);
        builder.Property(m => m.Topic).HasMaxLength(RetainedMessage.MaxTopicLength);
        builder.Property(m => m.ClientId).HasMaxLength(ThingNames.MaxLength).IsUnicode(false);
        builder.HasIndex(m => m.ClientId);
    }
}
