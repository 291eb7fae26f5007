namespace Vigil.Server.Hosting;

/// <summary>
/// First-time (and every-time) preparation a feature needs in the data directory or database
/// before anything serves: creating keys, the CA, seed rows. Every command runs these, in
/// <see cref="Order"/>, after the schema is migrated and while holding the data directory's
/// initialisation lock, so they must be idempotent and quick when there is nothing to do.
/// </summary>
internal interface IDataInitializer
{
    int Order { get; }

    Task InitializeAsync(CancellationToken cancellationToken);
}
