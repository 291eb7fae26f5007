using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Vigil.Server.Features.Credentials;

internal sealed class AccessKeyConfiguration : IEntityTypeConfiguration<AccessKey>
{
    public void Configure(EntityTypeBuilder<AccessKey> builder)
    {
        builder.ToTable("AccessKeys");
        builder.HasKey(k => k.Id);
        builder.Property(k => k.Id).HasMaxLength(AccessKeyIds.Length).IsUnicode(false);
        builder.Property(k => k.ProtectedSecret).HasMaxLength(1024).IsUnicode(false);
        builder.Property(k => k.Policy).HasMaxLength(2 * Policies.AccessPolicy.MaxDocumentLength);
        builder.Property(k => k.Description).HasMaxLength(AccessKeyStore.MaxDescriptionLength);
        builder.HasIndex(k => k.UserId);
    }
}
