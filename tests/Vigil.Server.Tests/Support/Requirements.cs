namespace Vigil.Server.Tests.Support;

/// <summary>
/// External components a test needs. A missing one fails the test with a message saying how to
/// provide it (./test.sh installs and starts everything); tests never skip silently.
/// </summary>
internal static class Requirements
{
    public static string PostgresConnectionString() =>
        Environment.GetEnvironmentVariable("VIGIL_TEST_POSTGRES") is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                "This test needs PostgreSQL: run ./test.sh (it installs and starts one on 127.0.0.1), or set VIGIL_TEST_POSTGRES to an Npgsql connection string of a user that may create databases.");

    /// <summary>
    /// tests/compat, where <c>npm ci</c> installed the clients we did not write (AWS SDK for JavaScript,
    /// the KVS WebRTC SDK, mqtt.js) beside the scripts that drive them; <c>VIGIL_TEST_COMPAT_DIR</c> overrides it.
    /// </summary>
    public static string CompatClientsDirectory()
    {
        var directory = Environment.GetEnvironmentVariable("VIGIL_TEST_COMPAT_DIR");
        if (string.IsNullOrEmpty(directory))
        {
            var at = new DirectoryInfo(AppContext.BaseDirectory);
            while (at is not null && !File.Exists(System.IO.Path.Combine(at.FullName, "Vigil.slnx")))
            {
                at = at.Parent;
            }

            directory = at is null ? "" : System.IO.Path.Combine(at.FullName, "tests", "compat");
        }

        return File.Exists(System.IO.Path.Combine(directory, "node_modules", ".package-lock.json"))
            ? directory
            : throw new InvalidOperationException($"The npm compatibility clients are not installed in '{directory}': run ./test.sh (scripts/test-env/30-compat-clients.sh runs npm ci there), or npm ci there yourself.");
    }

    public static string Executable(string name)
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':'))
        {
            var candidate = System.IO.Path.Combine(directory, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"This test needs '{name}' on PATH: run ./test.sh, which installs it from Debian's packages.");
    }
}
