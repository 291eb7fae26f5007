namespace Vigil.TestSupport;

/// <summary>A fresh directory under the test run's temporary folder, deleted on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory(string? prefix = null)
    {
        var parent = Environment.GetEnvironmentVariable("VIGIL_TEST_TMP") ?? System.IO.Path.GetTempPath();
        Path = System.IO.Path.Combine(parent, $"{prefix ?? "vigil"}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A process the test started may still hold a file; the run's temp folder is removed at the end anyway.
        }
    }
}
