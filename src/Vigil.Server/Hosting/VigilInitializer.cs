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
        using var initializationLock = await data.AcquireInitializationLockAsync(time, cancellationToken);
        await migrator.MigrateAsync(cancellationToken);
        foreach (var initializer in initializers.OrderBy(i => i.Order))
        {
            await initializer.InitializeAsync(cancellationToken);
        }
    }
}
