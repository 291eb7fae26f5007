namespace Vigil.TestSupport;

/// <summary>Finds an external program a test needs and fails with a clear message when it is absent (the one PATH lookup of the tests).</summary>
/// <remarks>
/// Tests never skip silently when a tool is missing (project rule): <c>./test.sh</c> installs the
/// Debian packages through <c>scripts/test-env/*.sh</c>, so a missing tool is a broken environment.
/// </remarks>
public static class RequiredTool
{
    /// <summary>Returns the absolute path of <paramref name="name"/> on PATH (or the given absolute path).</summary>
    /// <param name="name">Program name (e.g. <c>ffmpeg</c>) or absolute path.</param>
    /// <param name="debianPackage">Package that provides it, named in the failure message.</param>
    /// <exception cref="InvalidOperationException">The program is not installed.</exception>
    public static string Find(string name, string debianPackage)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (Path.IsPathRooted(name))
        {
            return File.Exists(name) ? name : throw Missing(name, debianPackage);
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin";
        foreach (var dir in path.Split(':', StringSplitOptions.RemoveEmptyEntries).Concat(["/usr/sbin", "/sbin"]))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw Missing(name, debianPackage);
    }

    private static InvalidOperationException Missing(string name, string package) =>
        new($"The test needs '{name}' (Debian package '{package}'), which is not installed. " +
            "Run ./test.sh (its scripts/test-env/*.sh install what the tests need) or apt-get install " + package + ".");
}
