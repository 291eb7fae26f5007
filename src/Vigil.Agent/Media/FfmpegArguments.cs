using System.Globalization;

namespace Vigil.Agent.Media;

/// <summary>
/// The ffmpeg command lines of each source. Copied sources (file, RTSP) come out as FLV with the
/// camera's H.264 untouched; the sources the agent encodes (testsrc, V4L2) come out as raw I420 pictures
/// that <see cref="EncoderChain"/> hands to an x264 ffmpeg of its own. Everything logs with its level
/// (<c>level+info</c>) so the agent can sort the lines, and flushes each packet for latency.
/// </summary>
internal static class FfmpegArguments
{
    private static readonly string[] Common = ["-hide_banner", "-nostats", "-loglevel", "level+info"];

    // Raw H.264 files carry no timestamps: ffmpeg's h264 demuxer needs the frame rate.
    private static readonly string[] ElementaryStreamExtensions = [".h264", ".264", ".avc", ".h26l", ".bsf"];

    /// <summary>ffmpeg reading a file or an RTSP camera and writing its first video stream, copied, as FLV.</summary>
    public static IReadOnlyList<string> Copy(SourceSpec source, StreamSettings settings)
    {
        var arguments = new List<string>(Common) { "-nostdin" };
        if (source.Kind == SourceKind.Rtsp)
        {
            // TCP: no loss on the camera link and no UDP ports to open. timeout: socket I/O timeout (µs),
            // so a camera that stops answering ends ffmpeg instead of hanging it.
            arguments.AddRange(["-rtsp_transport", "tcp", "-timeout", Micros(TimeSpan.FromSeconds(5))]);
        }
        else
        {
            // Real time, looped; ffmpeg offsets each loop's timestamps so they keep rising.
            arguments.AddRange(["-re", "-stream_loop", "-1"]);
            if (ElementaryStreamExtensions.Contains(Path.GetExtension(source.Location), StringComparer.OrdinalIgnoreCase))
            {
                arguments.AddRange(["-f", "h264", "-framerate", Invariant(settings.FrameRate)]);
            }
        }

        arguments.AddRange(["-i", source.Location, "-map", "0:v:0", "-c:v", "copy", "-an", "-sn", "-dn"]);
        arguments.AddRange(["-flush_packets", "1", "-flvflags", "no_duration_filesize", "-f", "flv", "pipe:1"]);
        return arguments;
    }

    /// <summary>ffmpeg producing raw I420 pictures of the configured size: the test pattern, or a V4L2 camera scaled to it.</summary>
    public static IReadOnlyList<string> Capture(SourceSpec source, StreamSettings settings)
    {
        var size = Invariant(settings.Width) + "x" + Invariant(settings.Height);
        var arguments = new List<string>(Common) { "-nostdin" };
        if (source.Kind == SourceKind.TestPattern)
        {
            // testsrc2 moves every frame; the box shows the wall-clock time, so a viewer sees that it is live.
            var fontSize = Invariant(Math.Max(12, settings.Height / 18));
            var clock = "drawtext=text='%{localtime\\:%Y-%m-%d %H\\\\\\:%M\\\\\\:%S}':x=(w-tw)/2:y=h-th-h/12:fontsize=" + fontSize +
                ":fontcolor=white:box=1:boxcolor=black@0.6:boxborderw=" + Invariant(Math.Max(2, settings.Height / 90));
            arguments.AddRange(["-re", "-f", "lavfi", "-i", $"testsrc2=size={size}:rate={Invariant(settings.FrameRate)},{clock}"]);
        }
        else
        {
            arguments.AddRange(["-f", "v4l2", "-framerate", Invariant(settings.FrameRate), "-i", source.Location,
                "-vf", $"scale={Invariant(settings.Width)}:{Invariant(settings.Height)}"]);
        }

        arguments.AddRange(["-pix_fmt", "yuv420p", "-f", "rawvideo", "pipe:1"]);
        return arguments;
    }

    /// <summary>
    /// ffmpeg encoding raw I420 pictures from stdin with x264 (ultrafast, zerolatency: no lookahead, no
    /// B-frames, one picture in, one out), constrained baseline, to FLV on stdout.
    /// </summary>
    public static IReadOnlyList<string> Encode(StreamSettings settings)
    {
        var kbps = settings.BitrateKbps;
        var gop = Math.Max(1, (int)Math.Round(settings.KeyframeSeconds * settings.FrameRate));
        return
        [
            .. Common,
            "-f", "rawvideo", "-pix_fmt", "yuv420p", "-video_size", Invariant(settings.Width) + "x" + Invariant(settings.Height),
            "-framerate", Invariant(settings.FrameRate), "-i", "pipe:0",
            "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-profile:v", "baseline",
            "-b:v", Invariant(kbps) + "k", "-maxrate", Invariant(kbps) + "k", "-bufsize", Invariant(kbps) + "k",
            "-g", Invariant(gop), "-sc_threshold", "0", "-bf", "0", "-fps_mode", "passthrough",
            "-flush_packets", "1", "-flvflags", "no_duration_filesize", "-f", "flv", "pipe:1",
        ];
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Micros(TimeSpan value) => ((long)value.TotalMicroseconds).ToString(CultureInfo.InvariantCulture);
}
