using System.CommandLine;
using Vigil.Server.Hosting;

namespace Vigil.Server.Cli;

internal static class CliOptions
{
    public static readonly Option<string?> Data = new("--data")
    {
        Description = $"The data directory (default: ${DataDirectory.EnvironmentVariable}, else ./{DataDirectory.DefaultPath})",
        HelpName = "DIR",
        Recursive = true,
    };

    public static readonly Option<bool> Json = new("--json")
    {
        Description = "Print JSON instead of a table",
    };
}
