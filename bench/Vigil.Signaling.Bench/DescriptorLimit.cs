using System.Globalization;
using System.Runtime.InteropServices;

namespace Vigil.Signaling.Bench;

/// <summary>
/// The process's open-file limit (RLIMIT_NOFILE): each WebSocket costs one descriptor in this process and one in the
/// server, which inherits this process's limit. Raised up to the hard limit when a run needs more.
/// </summary>
internal static partial class DescriptorLimit
{
    private const int RlimitNofile = 7;

    /// <summary>Makes the soft limit at least <paramref name="needed"/> if the hard limit allows; returns the limits in force.</summary>
    public static (ulong Soft, ulong Hard) Ensure(ulong needed)
    {
        var limit = default(RLimit);
        if (getrlimit(RlimitNofile, ref limit) != 0)
        {
            return (0, 0);
        }

        if (limit.Current < needed && limit.Max > limit.Current)
        {
            var raised = new RLimit { Current = Math.Min(needed, limit.Max), Max = limit.Max };
            if (setrlimit(RlimitNofile, ref raised) == 0)
            {
                limit = raised;
            }
        }

        return (limit.Current, limit.Max);
    }

    public static string Describe((ulong Soft, ulong Hard) limit) =>
        string.Create(CultureInfo.InvariantCulture, $"open files: soft {limit.Soft}, hard {limit.Hard}");

    [DllImport("libc", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int getrlimit(int resource, ref RLimit limit);

    [DllImport("libc", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int setrlimit(int resource, ref RLimit limit);

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Current;
        public ulong Max;
    }
}
