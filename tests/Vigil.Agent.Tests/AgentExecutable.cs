using System.Reflection;
using Vigil.TestSupport;

namespace Vigil.Agent.Tests;

/// <summary>The built <c>vigil-agent</c> binary, run as a real process as a camera would run it.</summary>
internal static class AgentExecutable
{
    public static string Path { get; } = Locate();

    private static string Locate()
    {
        var configuration = typeof(AgentExecutable).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        var path = System.IO.Path.Combine(VigilBinaries.RepositoryRoot(), "src", "Vigil.Agent", "bin", configuration, "net10.0", "vigil-agent");
        return File.Exists(path) ? path : throw new InvalidOperationException($"{path} is missing: build the solution first");
    }

    public static Task<ProcessResult> RunAsync(IEnumerable<string> arguments, IDictionary<string, string?>? environment = null, CancellationToken cancellationToken = default) =>
        ProcessRunner.RunAsync(Path, arguments, environment ?? new Dictionary<string, string?>(), timeout: TimeSpan.FromMinutes(1), cancellationToken: cancellationToken);
}
