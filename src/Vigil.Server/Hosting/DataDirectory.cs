namespace Vigil.Server.Hosting;

/// <summary>
/// The directory that holds everything a Vigil server owns: the SQLite database (<c>vigil.db</c>),
/// the keys that must stay out of the database (<c>keys/</c>), the certificate authority
/// (<c>pki/</c>), accepted snapshots not yet processed (<c>spool/</c>), event pictures
/// (<c>events/</c>) and the detection model when it was downloaded (<c>models/</c>).
/// Chosen by <c>--data</c>, else <c>$VIGIL_DATA</c>, else <c>./vigil-data</c>.
/// </summary>
internal sealed class DataDirectory
{
    public const string EnvironmentVariable = "VIGIL_DATA";
    public const string DefaultPath = "vigil-data";

    private static readonly TimeSpan LockTimeout = TimeSpan.FromMinutes(2);

    private const UnixFileMode PrivateDirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public DataDirectory(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Root = Path.GetFullPath(path);
    }

    public string Root { get; }

    public static DataDirectory Resolve(string? fromCommandLine)
    {
        var path = fromCommandLine;
        if (string.IsNullOrWhiteSpace(path))
        {
            path = Environment.GetEnvironmentVariable(EnvironmentVariable);
        }

        if (string.IsNullOrWhiteSpace(path))
        {
            path = DefaultPath;
        }

        return new DataDirectory(path);
    }

    public string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>A sub-directory, created private (0700) when missing.</summary>
    public string Subdirectory(string name)
    {
        var path = PathOf(name);
        if (!Directory.Exists(path))
        {
            Directory.CreateDirectory(path, PrivateDirectoryMode);
        }

        return path;
    }

    /// <summary>
    /// Creates the directory when missing (mode 0700) and proves it is a writable directory, so a
    /// bad path fails here with one clear line rather than deep inside SQLite or the CA.
    /// </summary>
    public void EnsureUsable()
    {
        if (File.Exists(Root))
        {
            throw new StartupException($"data directory {Root} is a file, not a directory (set --data or {EnvironmentVariable})");
        }

        try
        {
            if (!Directory.Exists(Root))
            {
                Directory.CreateDirectory(Root, PrivateDirectoryMode);
            }

            var probe = PathOf($".probe-{Environment.ProcessId}");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StartupException($"data directory {Root} is not usable: {e.Message}", e);
        }
    }

    /// <summary>
    /// Serialises first-time initialisation (keys, CA) between processes that share the data
    /// directory — a server and CLI commands may start at the same moment.
    /// </summary>
    public async Task<IDisposable> AcquireInitializationLockAsync(TimeProvider time, CancellationToken cancellationToken)
    {
        var path = PathOf(".init.lock");
        var deadline = time.GetUtcNow() + LockTimeout;
        while (true)
        {
            try
            {
                // FileShare.None takes an exclusive advisory lock (flock) on Unix.
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (time.GetUtcNow() < deadline)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), time, cancellationToken);
            }
            catch (IOException e)
            {
                throw new StartupException($"data directory {Root} is locked by another process for more than {LockTimeout.TotalSeconds:0} s ({path})", e);
            }
        }
    }
}
