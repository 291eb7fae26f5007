namespace Vigil.Contracts.Agent;

/// <summary>
/// The <c>stream</c> object of <c>agent.json</c>: encoding of the sources the agent encodes itself
/// (<c>testsrc</c>, <c>v4l2:</c>), and how viewers are served. Absent members take the agent's defaults;
/// the matching command-line options override them.
/// </summary>
public sealed record StreamConfiguration
{
    /// <summary>Picture width of encoded sources (default 1280).</summary>
    public int? Width { get; init; }

    /// <summary>Picture height of encoded sources (default 720).</summary>
    public int? Height { get; init; }

    /// <summary>Frames per second of encoded sources and of raw H.264 files (default 30).</summary>
    public int? FrameRate { get; init; }

    /// <summary>Target bitrate of encoded sources in kbit/s (default 2000).</summary>
    public int? BitrateKbps { get; init; }

    /// <summary>Seconds between the keyframes of encoded sources (default 2).</summary>
    public double? KeyframeSeconds { get; init; }

    /// <summary>Memory for the current group of pictures, in MiB (default 8).</summary>
    public int? GopCacheMegabytes { get; init; }

    /// <summary>Viewers served at once (default 10, the channel's limit).</summary>
    public int? MaxViewers { get; init; }

    /// <summary>Seconds without a frame after which a source is restarted (default 10).</summary>
    public double? StallSeconds { get; init; }

    /// <summary>Local addresses for WebRTC (default: every usable address).</summary>
    public IReadOnlyList<string>? BindAddresses { get; init; }

    /// <summary><c>all</c> (default) or <c>relay</c>: offer only TURN-relayed candidates, hiding the camera's addresses.</summary>
    public string? IceTransportPolicy { get; init; }
}
