using Microsoft.EntityFrameworkCore;

namespace Vigil.Server.Storage;

/// <summary>
/// Writes that may be lost in a power failure, though never in a process crash: on SQLite their
/// commits do not wait for the disk (<c>PRAGMA synchronous=NORMAL</c> for the duration, SQLite's default FULL
/// otherwise), and the next ordinary commit, which does wait, makes them durable too (WAL order).
/// An fsync cost between 0.2 and 5 ms on the development machine's virtual disk (measured at
/// different hours), and SQLite holds its single write lock through it, so every avoided fsync is
/// throughput for every writer. PostgreSQL commits are
/// unchanged (its WAL flushes concurrent commits together).
/// </summary>
/// <remarks>
/// Only for state that is recomputed or retried when lost: presence (refreshed by the heartbeat)
/// and pending device certificates (a device whose certificate vanished before RegisterThing is
/// refused and provisions again, as with AWS IoT after the pending hour).
/// </remarks>
internal static class RelaxedDurability
{
    public static async Task<T> WithoutWaitingForDiskAsync<T>(this VigilDbContext db, Func<Task<T>> work)
    {
        if (!db.Database.IsSqlite())
        {
            return await work();
        }

        // The pragma belongs to the connection, so the connection stays open across the work,
        // and goes back to the pool with SQLite's default, FULL, which Vigil never changes.
        await db.Database.OpenConnectionAsync();
        try
        {
            await ExecuteAsync(db, "PRAGMA synchronous=NORMAL;");
            try
            {
                return await work();
            }
            finally
            {
                await ExecuteAsync(db, "PRAGMA synchronous=FULL;");
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static async Task ExecuteAsync(VigilDbContext db, string pragma)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
#pragma warning disable CA2100 // constant pragmas
        command.CommandText = pragma;
#pragma warning restore CA2100
        await command.ExecuteNonQueryAsync();
    }
}
