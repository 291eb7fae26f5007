using System.Text.RegularExpressions;

namespace Vigil.TestSupport;

/// <summary>
/// Runs a real program under strace(1) and answers what it asked the kernel: here, whether a file
/// written by rename was made durable by an fsync of its directory. One trace file per thread
/// (<c>-ff</c>), so a call is never split across lines by another thread's.
/// </summary>
internal sealed partial class SyscallTrace
{
    private readonly List<IReadOnlyList<string>> _threads;

    private SyscallTrace(List<IReadOnlyList<string>> threads) => _threads = threads;

    /// <summary>The program and arguments that run a program (given after them) under strace, writing into <paramref name="directory"/>.</summary>
    public static IReadOnlyList<string> Launcher(string directory) =>
        [RequiredTool.Find("strace", "strace"), "-ff", "-qq", "-e", "trace=openat,open,rename,renameat,renameat2,link,linkat,fsync,fdatasync,close", "-o", System.IO.Path.Combine(directory, "trace")];

    public static async Task<(ProcessResult Result, SyscallTrace Trace)> RunAsync(string program, IEnumerable<string> arguments, IDictionary<string, string?>? environment, string directory, CancellationToken cancellationToken)
    {
        var result = await ProcessRunner.RunAsync(Launcher(directory)[0], [.. Launcher(directory).Skip(1), program, .. arguments], environment, timeout: TimeSpan.FromMinutes(2), cancellationToken: cancellationToken);
        return (result, Read(directory));
    }

    public static SyscallTrace Read(string directory) =>
        new([.. Directory.EnumerateFiles(directory, "trace.*").Select(f => (IReadOnlyList<string>)File.ReadAllLines(f))]);

    public int Lines => _threads.Sum(t => t.Count);

    /// <summary>
    /// Whether some thread renamed (or linked) a file onto <paramref name="path"/> and afterwards opened its
    /// directory (O_DIRECTORY) and fsync'd that descriptor successfully.
    /// </summary>
    public bool RenamedThenSyncedDirectory(string path)
    {
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
        foreach (var lines in _threads)
        {
            var renamed = false;
            var directoryFds = new HashSet<string>(StringComparer.Ordinal);
            foreach (var line in lines)
            {
                if (Rename().Match(line) is { Success: true } rename && rename.Groups["to"].Value == path && EndsWithSuccess().IsMatch(line))
                {
                    renamed = true;
                    directoryFds.Clear();
                }
                else if (renamed && OpenDirectory().Match(line) is { Success: true } open && open.Groups["path"].Value == directory)
                {
                    directoryFds.Add(open.Groups["fd"].Value);
                }
                else if (renamed && Fsync().Match(line) is { Success: true } fsync && directoryFds.Contains(fsync.Groups["fd"].Value))
                {
                    return true;
                }
                else if (Close().Match(line) is { Success: true } close)
                {
                    directoryFds.Remove(close.Groups["fd"].Value); // a later fsync of that number is another file's
                }
            }
        }

        return false;
    }

    [GeneratedRegex("""^(?:rename(?:at2?)?|link(?:at)?)\((?:[^,]*, )?"[^"]*", (?:[^,]*, )?"(?<to>[^"]*)"[^)]*\)""")]
    private static partial Regex Rename();

    [GeneratedRegex("""^open(?:at)?\((?:[^,]*, )?"(?<path>[^"]*)", [^)]*O_DIRECTORY[^)]*\)\s*=\s*(?<fd>\d+)$""")]
    private static partial Regex OpenDirectory();

    [GeneratedRegex("""^close\((?<fd>\d+)\)""")]
    private static partial Regex Close();

    [GeneratedRegex("""\)\s*=\s*0$""")]
    private static partial Regex EndsWithSuccess();

    [GeneratedRegex("""^f(?:data)?sync\((?<fd>\d+)\)\s*=\s*0$""")]
    private static partial Regex Fsync();
}
