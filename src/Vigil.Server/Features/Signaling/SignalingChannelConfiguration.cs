using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Vigil.Server.Features.Signaling;

internal sealed class SignalingChannelConfiguration : IEntityTypeConfiguration<SignalingChannel>
{
    public void Configure(EntityTypeBuilder<SignalingChannel> builder)
    {
        builder.ToTable("SignalingChannels");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Name).HasMaxLength(ChannelRules.NameMaxLength).IsUnicode(false);
        builder.Property(c => c.Arn).HasMaxLength(ChannelRules.ArnMaxLength).IsUnicode(false);
        builder.Property(c => c.Version).HasMaxLength(ChannelRules.VersionLength).IsUnicode(false);
        builder.Property(c => c.CreatedBy).HasMaxLength(400);
        builder.HasIndex(c => c.Name).IsUnique();
        builder.HasIndex(c => c.Arn).IsUnique();
        builder.HasMany(c => c.Tags).WithOne().HasForeignKey(t => t.ChannelId).OnDelete(DeleteBehavior.Cascade);
    }
}
