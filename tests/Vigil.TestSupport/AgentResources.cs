using System.Globalization;

namespace Vigil.TestSupport;

/// <summary>A process's open file descriptors (sockets among them), threads, resident memory and CPU time, from /proc.</summary>
/// <param name="Descriptors">Entries in <c>/proc/PID/fd</c>.</param>
/// <param name="Sockets">Those that are sockets.</param>
/// <param name="Threads">Entries in <c>/proc/PID/task</c>.</param>
/// <param name="ResidentKilobytes"><c>VmRSS</c>.</param>
/// <param name="CpuTime">User + system time so far.</param>
public sealed record AgentResources(int Descriptors, int Sockets, int Threads, long ResidentKilobytes, TimeSpan CpuTime)
{
    /// <summary>Reads them for process <paramref name="pid"/>.</summary>
    public static AgentResources Of(int pid)
    {
        var descriptors = Directory.GetFiles($"/proc/{pid}/fd");
        var sockets = 0;
        foreach (var descriptor in descriptors)
        {
            try
            {
                if (new FileInfo(descriptor).LinkTarget?.StartsWith("socket:", StringComparison.Ordinal) == true)
                {
                    sockets++;
                }
            }
            catch (IOException)
            {
                // Closed in between.
            }
        }

        var rss = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        // /proc/PID/stat fields 14 and 15 (utime, stime) in clock ticks (USER_HZ, 100 on Linux), after the ")" of the name.
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return new AgentResources(descriptors.Length, sockets, Directory.GetDirectories($"/proc/{pid}/task").Length,
            long.Parse(rss.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture), TimeSpan.FromMilliseconds(ticks * 10));
    }
}
