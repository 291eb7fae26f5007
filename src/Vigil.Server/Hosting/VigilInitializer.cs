using Vigil.Server.Storage;

namespace Vigil.Server.Hosting;

/// <summary>Prepares the data directory and database for any command: migrate, then each feature's <see cref="IDataInitializer"/>.</summary>
internal sealed class VigilInitializer(
    DataDirectory data,
    DatabaseMigrator migrator,
    IEnumerable<IDataInitializer> initializers,
    TimeProvider time)
{
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        data.EnsureUsable();

        // EF Core serialises concurrent migrations itself; only the creation of keys and the CA
        // needs this process-wide lock, so it is held briefly.
        await migrator.MigrateAsync(cancellationToken);
        using var initializationLock = await data.AcquireInitializationLockAsync(time, cancellationToken);
        foreach (var initializer in initializers.OrderBy(i => i.Order))
        {
            await initializer.InitializeAsync(cancellationToken);
        }
    }
}
