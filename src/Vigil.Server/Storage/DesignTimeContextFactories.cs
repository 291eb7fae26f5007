using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Vigil.Server.Storage;

// Used only by `dotnet ef migrations add` (see docs/operations.md, "Schema changes"); the
// connection strings are placeholders, the tools never connect.
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteVigilDbContext>
{
    public SqliteVigilDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteVigilDbContext>().UseSqlite("Data Source=design-time.db").Options);
}

internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresVigilDbContext>
{
    public PostgresVigilDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresVigilDbContext>().UseNpgsql("Host=localhost;Database=vigil_design").Options);
}
