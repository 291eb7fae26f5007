using Microsoft.EntityFrameworkCore;
using Vigil.Server.Features.Credentials;
using Vigil.Server.Features.Devices;
using Vigil.Server.Features.Pki;

namespace Vigil.Server.Storage;

/// <summary>
/// Vigil's state. Each feature owns its entities and their mapping (an
/// <see cref="IEntityTypeConfiguration{TEntity}"/> beside the entity); this class only lists them.
/// One subclass per database provider carries that provider's migrations.
/// </summary>
internal abstract class VigilDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<RegistryEntry> RegistryEntries => Set<RegistryEntry>();

    public DbSet<RegistryImport> RegistryImports => Set<RegistryImport>();

    public DbSet<CertificateRecord> Certificates => Set<CertificateRecord>();

    public DbSet<Thing> Things => Set<Thing>();

    public DbSet<AccessKey> AccessKeys => Set<AccessKey>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(VigilDbContext).Assembly);
}
