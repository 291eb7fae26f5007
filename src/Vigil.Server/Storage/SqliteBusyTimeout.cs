using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Vigil.Server.Storage;

/// <summary>
/// Gives every SQLite connection SQLite's own busy handler (<c>sqlite3_busy_timeout</c>).
/// Microsoft.Data.Sqlite sets none: when another connection holds the write lock it gets
/// SQLITE_BUSY at once and retries after sleeping 150 ms, so concurrent writers in one server
/// (64 cameras provisioning at once) spent most of their time asleep. SQLite's handler retries
/// after 1, 2, 5, 10… ms instead, which matches how short Vigil's write transactions are.
/// Microsoft.Data.Sqlite's own retry stays behind it for the rare wait longer than this.
/// </summary>
internal sealed class SqliteBusyTimeout(TimeSpan timeout) : DbConnectionInterceptor
{
    private readonly int _milliseconds = checked((int)timeout.TotalMilliseconds);

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    private void Apply(DbConnection connection)
    {
        // A native call on the open handle: no statement to prepare on every open from the pool.
        if (connection is SqliteConnection { Handle: { } handle })
        {
            SQLitePCL.raw.sqlite3_busy_timeout(handle, _milliseconds);
        }
    }
}
