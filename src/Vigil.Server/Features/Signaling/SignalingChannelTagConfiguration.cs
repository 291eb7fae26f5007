using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Vigil.Server.Features.Signaling;

internal sealed class SignalingChannelTagConfiguration : IEntityTypeConfiguration<SignalingChannelTag>
{
    public void Configure(EntityTypeBuilder<SignalingChannelTag> builder)
    {
        builder.ToTable("SignalingChannelTags");
        builder.HasKey(t => new { t.ChannelId, t.Key });
        builder.Property(t => t.Key).HasMaxLength(ChannelRules.TagKeyMaxLength);
        builder.Property(t => t.Value).HasMaxLength(ChannelRules.TagValueMaxLength);
    }
}
