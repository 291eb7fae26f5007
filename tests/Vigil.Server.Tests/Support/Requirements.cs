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
