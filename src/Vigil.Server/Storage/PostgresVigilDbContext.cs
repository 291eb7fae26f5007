using Microsoft.EntityFrameworkCore;

namespace Vigil.Server.Storage;

internal sealed class PostgresVigilDbContext(DbContextOptions<PostgresVigilDbContext> options) : VigilDbContext(options);
