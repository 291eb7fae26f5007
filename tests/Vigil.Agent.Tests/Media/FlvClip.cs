using Vigil.TestSupport;

namespace Vigil.Agent.Tests.Media;

/// <summary>FLV files made by Debian's ffmpeg (libx264), as the agent's sources produce them, with ffprobe's view of their packets as the oracle.</summary>
internal static class FlvClip
{
    /// <summary>A short H.264 clip in FLV: 160x120, 10 fps, a keyframe every <paramref name="gop"/> frames.</summary>
    public static async Task<byte[]> H264Async(string directory, int frames = 20, int gop = 5, string profile = "baseline", CancellationToken cancellationToken = default)
    {
        var path = Path.Combine(directory, $"clip-{frames}-{gop}-{profile}.flv");
        await ExternalProcess.RunCheckedAsync(RequiredTool.Find("ffmpeg", "ffmpeg"),
        [
            "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=10", "-frames:v", frames.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-c:v", "libx264", "-profile:v", profile, "-g", gop.ToString(System.Globalization.CultureInfo.InvariantCulture), "-sc_threshold", "0", "-bf", "0",
            "-flvflags", "no_duration_filesize", "-f", "flv", path,
        ], TimeSpan.FromMinutes(1), cancellationToken);
        return await File.ReadAllBytesAsync(path, cancellationToken);
    }

    /// <summary>ffprobe's packets of the file: (pts in ms, keyframe).</summary>
    public static async Task<List<(long PtsMilliseconds, bool Key)>> ProbeAsync(byte[] flv, string directory, CancellationToken cancellationToken)
    {
        var path = Path.Combine(directory, $"probe-{Guid.NewGuid():N}.flv");
        await File.WriteAllBytesAsync(path, flv, cancellationToken);
        var output = await ExternalProcess.RunCheckedAsync(RequiredTool.Find("ffprobe", "ffmpeg"),
            ["-v", "error", "-select_streams", "v:0", "-show_entries", "packet=pts,flags", "-of", "csv=p=0", path], TimeSpan.FromMinutes(1), cancellationToken);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => l.Split(','))
            .Where(f => f.Length >= 2 && long.TryParse(f[0], out _))
            .Select(f => (long.Parse(f[0], System.Globalization.CultureInfo.InvariantCulture), f[1].Contains('K', StringComparison.Ordinal)))
            .ToList();
    }
}
