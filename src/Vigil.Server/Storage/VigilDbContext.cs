using Microsoft.EntityFrameworkCore;
using Vigil.Server.Features.Cameras;
using Vigil.Server.Features.Cluster;
using Vigil.Server.Features.Credentials;
using Vigil.Server.Features.Devices;
using Vigil.Server.Features.Events;
using Vigil.Server.Features.Integrations;
using Vigil.Server.Features.Notifications;
using Vigil.Server.Features.Pki;
using Vigil.Server.Features.Provisioning;
using Vigil.Server.Features.Signaling;

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

    public DbSet<RetainedMessage> RetainedMessages => Set<RetainedMessage>();

    public DbSet<AccessKey> AccessKeys => Set<AccessKey>();

    public DbSet<Camera> Cameras => Set<Camera>();

    public DbSet<SnapshotEvent> Events => Set<SnapshotEvent>();

    public DbSet<NotificationRule> NotificationRules => Set<NotificationRule>();

    public DbSet<NotificationDelivery> NotificationDeliveries => Set<NotificationDelivery>();

    public DbSet<SignalingChannel> SignalingChannels => Set<SignalingChannel>();

    public DbSet<Integration> Integrations => Set<Integration>();

    public DbSet<ClusterKeyFingerprint> ClusterKeys => Set<ClusterKeyFingerprint>();

    public DbSet<KeyRingEntry> KeyRing => Set<KeyRingEntry>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(VigilDbContext).Assembly);
}
