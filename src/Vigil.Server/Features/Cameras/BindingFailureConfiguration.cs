using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Vigil.Server.Features.Devices;

namespace Vigil.Server.Features.Cameras;

internal sealed class BindingFailureConfiguration : IEntityTypeConfiguration<BindingFailure>
{
    public void Configure(EntityTypeBuilder<BindingFailure> builder)
    {
        builder.ToTable("CameraBindingFailures");
        builder.HasKey(f => f.Id);
        builder.Property(f => f.Serial).HasMaxLength(RegistryRules.SerialMaxLength).IsUnicode(false);
        builder.Property(f => f.Address).HasMaxLength(64).IsUnicode(false);
        builder.HasIndex(f => new { f.Serial, f.At });
        builder.HasIndex(f => new { f.AccountId, f.At });
        builder.HasIndex(f => f.At);
    }
}
