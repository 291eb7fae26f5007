namespace Vigil.TestSupport;

/// <summary>
/// What the Snapshot AI tests need from outside the repository: the YOLOX-Nano model in
/// ../shared/models and the sample pictures of Debian's darknet package. Missing ones fail the
/// test with a message saying how to get them.
/// </summary>
internal static class SnapshotAssets
{
    public static string ModelPath { get; } = System.IO.Path.GetFullPath(System.IO.Path.Combine(VigilBinaries.RepositoryRoot(), "..", "shared", "models", "yolox_nano", "yolox_nano.onnx"));

    public static string RequireModel() =>
        File.Exists(ModelPath) ? ModelPath : throw new InvalidOperationException($"This test needs the YOLOX-Nano model at {ModelPath} (the shared/ folder beside the repository).");

    public static string Picture(string name)
    {
        var directory = Environment.GetEnvironmentVariable("VIGIL_TEST_DARKNET_DATA") is { Length: > 0 } d ? d : "/usr/share/darknet/data";
        var path = System.IO.Path.Combine(directory, name);
        return File.Exists(path) ? path : throw new InvalidOperationException($"This test needs {path}: run ./test.sh, which installs Debian's darknet package.");
    }

    /// <summary>Settings every Snapshot AI server in a test uses: a free SMTP port, the shared model, no download.</summary>
    public static Dictionary<string, string?> ServerSettings(IDictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Ingest:SmtpPort"] = "0",
            ["Vision:ModelPath"] = RequireModel(),
            ["Vision:ModelUrl"] = "",
        };
        foreach (var (key, value) in more ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return settings;
    }
}
