using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Vigil.Server.Features.Devices;

internal sealed class RegistryImportConfiguration : IEntityTypeConfiguration<RegistryImport>
{
    public void Configure(EntityTypeBuilder<RegistryImport> builder)
    {
        builder.ToTable("RegistryImports");
        builder.HasKey(i => i.Id);
        builder.Property(i => i.Source).HasMaxLength(1024);
    }
}
