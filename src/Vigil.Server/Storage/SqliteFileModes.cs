using Microsoft.Data.Sqlite;
using Vigil.Server.Hosting;
using Vigil.Shared;

namespace Vigil.Server.Storage;

/// <summary>
/// Keeps the SQLite database and its <c>-wal</c>, <c>-shm</c> and <c>-journal</c> files readable by
/// Vigil's user only (0600), whatever the umask: they hold password hashes, encrypted secrets and
/// every event. SQLite creates a new database with 0644 minus the umask, and its WAL and SHM files
/// with the database file's mode (unix VFS, <c>findCreateFileMode</c>), so creating the database
/// file 0600 before SQLite does, and setting 0600 on files already there, covers all of them.
/// </summary>
internal static class SqliteFileModes
{
    private static readonly string[] Companions = ["", "-wal", "-shm", "-journal"];

    public static void MakePrivate(string? connectionString)
    {
        if (DatabaseFile(connectionString) is not { } path)
        {
            return;
        }

        try
        {
            using (new FileStream(path, new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.Write, UnixCreateMode = DurableFile.OwnerOnly }))
            {
                // An empty file is a new database to SQLite.
            }

            foreach (var suffix in Companions)
            {
                var file = path + suffix;
                if (File.Exists(file) && File.GetUnixFileMode(file) != DurableFile.OwnerOnly)
                {
                    File.SetUnixFileMode(file, DurableFile.OwnerOnly);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StartupException($"cannot make the database {path} private (mode 0600): {e.Message}", e);
        }
    }

    /// <summary>The database file a connection string names, or null for an in-memory or URI database.</summary>
    private static string? DatabaseFile(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return null;
        }

        var builder = new SqliteConnectionStringBuilder(connectionString);
        var source = builder.DataSource;
        return builder.Mode == SqliteOpenMode.Memory || string.IsNullOrEmpty(source) || source == ":memory:" || source.StartsWith("file:", StringComparison.OrdinalIgnoreCase)
            ? null
            : Path.GetFullPath(source);
    }
}
