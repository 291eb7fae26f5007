using System.Text.Json;

namespace Vigil.TestSupport;

/// <summary>
/// tests/compat: the npm clients we did not write (AWS SDK for JavaScript, KVS WebRTC JS SDK, AWS IoT Device
/// SDK v2, aws-crt, mqtt.js), installed at the versions of its package-lock.json by scripts/test-env (npm ci).
/// </summary>
internal static class CompatClients
{
    /// <summary>The npm project's directory: <c>$VIGIL_TEST_COMPAT_DIR</c>, else tests/compat of this checkout.</summary>
    public static string Directory(string requiredPackage = "amazon-kinesis-video-streams-webrtc")
    {
        var directory = Environment.GetEnvironmentVariable("VIGIL_TEST_COMPAT_DIR");
        if (string.IsNullOrEmpty(directory))
        {
            directory = Path.Combine(VigilBinaries.RepositoryRoot(), "tests", "compat");
        }

        return System.IO.Directory.Exists(Path.Combine(directory, "node_modules", requiredPackage))
            ? directory
            : throw new InvalidOperationException($"The npm compatibility clients ({requiredPackage}) are not installed in {directory}: run ./test.sh (scripts/test-env/30-compat-clients.sh runs npm ci there).");
    }

    /// <summary>
    /// Runs one of the project's scripts with Node.js: its settings in <c>VIGIL_COMPAT</c> (JSON), trusting Node's
    /// default roots plus <paramref name="caFile"/> (Vigil's root), no AWS credentials from the environment. The
    /// script prints one JSON line of results and exits 0 only when every check passed; that line is returned.
    /// <paramref name="launcher"/> (a command and its arguments) runs node under another program.
    /// </summary>
    public static async Task<JsonElement> RunAsync(string script, object configuration, string caFile, CancellationToken cancellationToken,
        string requiredPackage = "amazon-kinesis-video-streams-webrtc", IReadOnlyList<string>? launcher = null, TimeSpan? timeout = null)
    {
        var directory = Directory(requiredPackage);
        string[] command = [.. launcher ?? [], RequiredTool.Find("node", "nodejs"), Path.Combine(directory, script)];
        var result = await ProcessRunner.RunAsync(
            command[0],
            command[1..],
            new Dictionary<string, string?>
            {
                ["VIGIL_COMPAT"] = JsonSerializer.Serialize(configuration),
                // Node's TLS (https and ws) trusts exactly what it trusts by default plus Vigil's root.
                ["NODE_EXTRA_CA_CERTS"] = caFile,
                ["AWS_ACCESS_KEY_ID"] = null,
                ["AWS_SECRET_ACCESS_KEY"] = null,
                ["AWS_SESSION_TOKEN"] = null,
                ["AWS_PROFILE"] = null,
            },
            timeout: timeout ?? TimeSpan.FromSeconds(90),
            cancellationToken: cancellationToken);
        var line = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault();
        Assert.True(line is not null && line.StartsWith('{'), $"{script} printed no result (exit {result.ExitCode}):\n{result.StandardOutput}\n{result.StandardError}");
        var parsed = JsonDocument.Parse(line).RootElement;
        Assert.True(result.ExitCode == 0, $"{script} failed (exit {result.ExitCode}): {line}\n{result.StandardError}");
        return parsed;
    }
}
