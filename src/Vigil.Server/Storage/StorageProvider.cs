namespace Vigil.Server.Storage;

internal enum StorageProvider
{
    Sqlite,
    Postgres,
}
