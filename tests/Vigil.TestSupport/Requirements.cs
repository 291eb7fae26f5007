namespace Vigil.TestSupport;

/// <summary>
/// External services a test needs (programs: <see cref="RequiredTool"/>). A missing one fails the
/// test with a message saying how to provide it (./test.sh installs and starts everything); tests
/// never skip silently.
/// </summary>
internal static class Requirements
{
    public static string PostgresConnectionString() =>
        Environment.GetEnvironmentVariable("VIGIL_TEST_POSTGRES") is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                "This test needs PostgreSQL: run ./test.sh (it installs and starts one on 127.0.0.1), or set VIGIL_TEST_POSTGRES to an Npgsql connection string of a user that may create databases.");

    /// <summary>The test Redis server, <c>host:port</c> (scale-out tests: the signaling backplane, cluster-wide state).</summary>
    public static string Redis() =>
        Environment.GetEnvironmentVariable("VIGIL_TEST_REDIS") is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                "This test needs Redis: run ./test.sh (scripts/test-env/15-cluster.sh installs Debian's redis-server and starts one on 127.0.0.1), or set VIGIL_TEST_REDIS to host:port of a Redis the tests may write to.");
}
