using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using Vigil.Server.Cli;

namespace Vigil.Server.Storage;

internal static class DbCommands
{
    public static Command Create()
    {
        var migrate = new Command("migrate", "Create the database or bring its schema up to date (every command also does this)");
        migrate.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(parseResult, async (services, ct) =>
        {
            // The runner has migrated before running any command; report where the schema stands.
            var db = services.GetRequiredService<VigilDbContext>();
            var applied = (await db.Database.GetAppliedMigrationsAsync(ct)).ToList();
            Console.WriteLine($"Database is up to date ({applied.Count} migration(s), latest {applied.LastOrDefault() ?? "none"}).");
            return CommandRunner.Success;
        }, cancellationToken));

        var db = new Command("db", "Database maintenance");
        db.Subcommands.Add(migrate);
        return db;
    }
}
