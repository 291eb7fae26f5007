namespace Vigil.Agent.Media;

/// <summary>
/// What <c>--source</c> (or <c>source</c> in agent.json) names: <c>testsrc</c>, <c>file:PATH</c>,
/// <c>rtsp://…</c>/<c>rtsps://…</c>, <c>v4l2:/dev/videoN</c> or <c>none</c>.
/// </summary>
/// <param name="Kind">Which kind of source.</param>
/// <param name="Location">The file path, URL or device (empty for testsrc and none).</param>
internal sealed record SourceSpec(SourceKind Kind, string Location)
{
    public const string Usage = "use testsrc, file:PATH, rtsp://HOST[:PORT]/PATH, v4l2:/dev/videoN or none";

    public static readonly SourceSpec TestPattern = new(SourceKind.TestPattern, string.Empty);

    /// <summary>The source as it may be shown in logs: an RTSP password is replaced by <c>***</c>.</summary>
    public string DisplayName => Kind switch
    {
        SourceKind.None => "none",
        SourceKind.TestPattern => "testsrc",
        SourceKind.File => "file:" + Location,
        SourceKind.V4l2 => "v4l2:" + Location,
        _ => Redaction.Redact(Location),
    };

    /// <summary>True for the sources whose H.264 the agent encodes itself (and so can make a keyframe on demand).</summary>
    public bool IsEncodedByAgent => Kind is SourceKind.TestPattern or SourceKind.V4l2;

    /// <summary>Parses <paramref name="text"/>; relative file paths are resolved against <paramref name="baseDirectory"/>.</summary>
    /// <exception cref="AgentException">One line saying what is wrong and what is accepted.</exception>
    public static SourceSpec Parse(string text, string baseDirectory)
    {
        var value = text.Trim();
        if (value.Equals("testsrc", StringComparison.OrdinalIgnoreCase))
        {
            return TestPattern;
        }

        if (value.Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            return new SourceSpec(SourceKind.None, string.Empty);
        }

        if (value.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            var path = value["file:".Length..];
            if (path.Length == 0)
            {
                throw new AgentException("source file: needs a path, e.g. file:/var/lib/vigil/clip.mp4");
            }

            return new SourceSpec(SourceKind.File, Path.GetFullPath(path, baseDirectory));
        }

        if (value.StartsWith("v4l2:", StringComparison.OrdinalIgnoreCase))
        {
            var device = value["v4l2:".Length..];
            if (!device.StartsWith("/dev/", StringComparison.Ordinal) || device.Length <= "/dev/".Length)
            {
                throw new AgentException($"source {value}: a V4L2 source names a device, e.g. v4l2:/dev/video0");
            }

            return new SourceSpec(SourceKind.V4l2, device);
        }

        if (value.StartsWith("rtsp://", StringComparison.OrdinalIgnoreCase) || value.StartsWith("rtsps://", StringComparison.OrdinalIgnoreCase))
        {
            if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Host.Length == 0 || value.Any(char.IsWhiteSpace))
            {
                throw new AgentException($"source {Redaction.Redact(value)}: not a valid RTSP URL (rtsp://[user:password@]host[:port]/path)");
            }

            return new SourceSpec(SourceKind.Rtsp, value);
        }

        throw new AgentException($"source '{Redaction.Redact(value)}' is not one the agent knows; {Usage}");
    }
}
