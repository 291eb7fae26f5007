using Microsoft.Extensions.Options;
using Vigil.Server.Storage;

namespace Vigil.Server.Features.Cluster;

/// <summary>
/// Cluster mode needs PostgreSQL: a SQLite file belongs to one machine, so a second node on it would be a
/// second, diverging service. Refused at start with one line rather than discovered later.
/// </summary>
internal sealed class ClusterStorageValidator(IOptions<StorageOptions> storage) : IValidateOptions<ClusterOptions>
{
    public ValidateOptionsResult Validate(string? name, ClusterOptions options) =>
        options.Enabled && !string.Equals(storage.Value.Provider, nameof(StorageProvider.Postgres), StringComparison.OrdinalIgnoreCase)
            ? ValidateOptionsResult.Fail("Cluster:Redis: cluster mode needs Storage:Provider=Postgres (a SQLite database is one node's file); use PostgreSQL or remove Cluster:Redis to run one node")
            : ValidateOptionsResult.Success;
}
