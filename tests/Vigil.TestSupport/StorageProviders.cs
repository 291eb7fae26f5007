using Vigil.Server.Storage;

namespace Vigil.TestSupport;

/// <summary>Theory data: every storage test runs once on SQLite and once on PostgreSQL.</summary>
public static class StorageProviders
{
    public static TheoryData<string> All => new(nameof(StorageProvider.Sqlite), nameof(StorageProvider.Postgres));
}
