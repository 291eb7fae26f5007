namespace Vigil.Server.Tests.Support;

/// <summary>
/// tests/compat: the npm clients we did not write (AWS SDK for JavaScript, KVS WebRTC JS SDK, mqtt.js), installed at the versions of its package-lock.json by scripts/test-env (npm ci).
/// </summary>
internal static class CompatClients
{
    /// <summary>The npm project's directory: <c>$VIGIL_TEST_COMPAT_DIR</c>, else tests/compat of this checkout.</summary>
    public static string Directory(string requiredPackage = "amazon-kinesis-video-streams-webrtc")
    {
        var directory = Environment.GetEnvironmentVariable("VIGIL_TEST_COMPAT_DIR");
        if (string.IsNullOrEmpty(directory))
        {
            var at = new DirectoryInfo(AppContext.BaseDirectory);
            while (at is not null && !File.Exists(Path.Combine(at.FullName, "Vigil.slnx")))
            {
                at = at.Parent;
            }

            directory = at is null ? "" : Path.Combine(at.FullName, "tests", "compat");
        }

        return System.IO.Directory.Exists(Path.Combine(directory, "node_modules", requiredPackage))
            ? directory
            : throw new InvalidOperationException($"The npm compatibility clients ({requiredPackage}) are not installed in {directory}: run ./test.sh (scripts/test-env/30-compat-clients.sh runs npm ci there).");
    }
}
