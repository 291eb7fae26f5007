namespace Vigil.Agent.Media;

internal enum SourceKind
{
    /// <summary>No streaming: the agent only keeps the camera online.</summary>
    None,

    /// <summary>ffmpeg's lavfi test picture with the wall-clock time, encoded by the agent's encoder.</summary>
    TestPattern,

    /// <summary>An H.264 file (elementary stream or a container), copied and looped.</summary>
    File,

    /// <summary>An RTSP camera, its H.264 copied.</summary>
    Rtsp,

    /// <summary>A V4L2 (USB) camera, encoded by the agent's encoder.</summary>
    V4l2,
}
