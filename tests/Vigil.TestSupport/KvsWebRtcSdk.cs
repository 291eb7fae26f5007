namespace Vigil.TestSupport;

/// <summary>
/// The KVS WebRTC JS SDK's browser bundle (npm <c>amazon-kinesis-video-streams-webrtc</c>, pinned in
/// <c>tests/compat/package-lock.json</c>, installed by <c>scripts/test-env/50-signaling.sh</c>): a client we did not write.
/// </summary>
public static class KvsWebRtcSdk
{
    /// <summary>The path of <c>dist/kvs-webrtc.min.js</c>.</summary>
    /// <exception cref="InvalidOperationException">The npm packages are not installed.</exception>
    public static string BundlePath()
    {
        var compat = Environment.GetEnvironmentVariable("VIGIL_TEST_COMPAT_DIR") is { Length: > 0 } configured ? configured : FindCompatDirectory();
        var bundle = Path.Combine(compat, "node_modules", "amazon-kinesis-video-streams-webrtc", "dist", "kvs-webrtc.min.js");
        return File.Exists(bundle)
            ? bundle
            : throw new InvalidOperationException($"{bundle} is missing: run ./test.sh (it runs npm ci in tests/compat) or npm ci there.");
    }

    private static string FindCompatDirectory() => Path.Combine(VigilBinaries.RepositoryRoot(), "tests", "compat");
}
