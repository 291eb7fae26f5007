namespace Vigil.TestSupport;

/// <summary>The built <c>vigil</c> and <c>vigil-agent</c> executables (Release), run as real processes.</summary>
public static class VigilBinaries
{
    /// <summary>The repository root (the directory holding <c>Vigil.slnx</c>).</summary>
    public static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Vigil.slnx")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("cannot find the repository (Vigil.slnx) above " + AppContext.BaseDirectory);
    }

    /// <summary><c>src/Vigil.Server/bin/Release/net10.0/vigil</c>.</summary>
    public static string Server => Existing(Path.Combine(RepositoryRoot(), "src", "Vigil.Server", "bin", "Release", "net10.0", "vigil"));

    /// <summary>
    /// <c>src/Vigil.Agent/bin/Release/net10.0/vigil-agent</c>, or <c>$VIGIL_BENCH_AGENT</c>: another build of the
    /// agent (say the native AOT one from <c>dotnet publish -r linux-x64</c>) for a benchmark to measure.
    /// </summary>
    public static string Agent => Existing(Environment.GetEnvironmentVariable("VIGIL_BENCH_AGENT") is { Length: > 0 } other
        ? Path.GetFullPath(other)
        : Path.Combine(RepositoryRoot(), "src", "Vigil.Agent", "bin", "Release", "net10.0", "vigil-agent"));

    private static string Existing(string path) =>
        File.Exists(path) ? path : throw new InvalidOperationException($"{path} is missing: dotnet build Vigil.slnx -c Release");
}
