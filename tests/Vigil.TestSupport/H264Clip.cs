using System.Globalization;

namespace Vigil.TestSupport;

/// <summary>
/// Generates H.264 Annex-B test clips with Debian's ffmpeg (libx264), encoded the way a WebRTC sender
/// wants them: constrained baseline (or main), no B-frames, fixed GOP, SPS/PPS repeated before every
/// IDR, optional access unit delimiters.
/// </summary>
public static class H264Clip
{
    /// <summary>The ffmpeg arguments that encode <paramref name="options"/> to <paramref name="output"/> (<c>pipe:1</c> for stdout).</summary>
    public static IReadOnlyList<string> EncoderArguments(H264ClipOptions options, string output)
    {
        ArgumentNullException.ThrowIfNull(options);
        var x264 = $"repeat-headers=1:aud={(options.AccessUnitDelimiters ? 1 : 0)}" + (options.SlicesPerFrame > 0 ? $":slices={options.SlicesPerFrame}" : string.Empty);
        return
        [
            "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
            "-f", "lavfi", "-i", string.Create(CultureInfo.InvariantCulture, $"testsrc2=size={options.Width}x{options.Height}:rate={options.FramesPerSecond}"),
            "-t", options.Seconds.ToString(CultureInfo.InvariantCulture),
            "-c:v", "libx264", "-profile:v", options.Profile, "-level:v", "3.1", "-pix_fmt", "yuv420p",
            "-tune", "zerolatency", "-preset", "veryfast", "-bf", "0",
            "-g", options.GopFrames.ToString(CultureInfo.InvariantCulture),
            "-keyint_min", options.GopFrames.ToString(CultureInfo.InvariantCulture), "-sc_threshold", "0",
            "-b:v", options.BitrateKbps.ToString(CultureInfo.InvariantCulture) + "k",
            "-maxrate", options.BitrateKbps.ToString(CultureInfo.InvariantCulture) + "k",
            "-bufsize", (options.BitrateKbps * 2).ToString(CultureInfo.InvariantCulture) + "k",
            "-x264-params", x264,
            "-f", "h264", output,
        ];
    }

    /// <summary>
    /// Encodes a clip into <paramref name="directory"/> (default: <c>$VIGIL_TEST_TMP</c> or the temp
    /// directory) and returns its path; a clip with the same options is reused.
    /// </summary>
    /// <exception cref="InvalidOperationException">ffmpeg is missing or failed.</exception>
    public static async Task<string> GenerateAsync(H264ClipOptions options, string? directory = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var ffmpeg = RequiredTool.Find("ffmpeg", "ffmpeg");
        directory ??= Path.Combine(Environment.GetEnvironmentVariable("VIGIL_TEST_TMP") ?? Path.GetTempPath(), "vigil-clips");
        Directory.CreateDirectory(directory);
        var name = string.Create(CultureInfo.InvariantCulture,
            $"{options.Profile}-{options.Width}x{options.Height}-{options.FramesPerSecond}fps-{options.Seconds}s-g{options.GopFrames}-{options.BitrateKbps}k-aud{(options.AccessUnitDelimiters ? 1 : 0)}-s{options.SlicesPerFrame}.h264");
        var path = Path.Combine(directory, name);
        if (File.Exists(path) && new FileInfo(path).Length > 0)
        {
            return path;
        }

        var partial = path + "." + Environment.ProcessId + ".part";
        await ExternalProcess.RunCheckedAsync(ffmpeg, EncoderArguments(options, partial), TimeSpan.FromMinutes(2), cancellationToken);
        File.Move(partial, path, overwrite: true);
        return path;
    }
}
