namespace Vigil.TestSupport;

/// <summary>What <see cref="H264Clip"/> encodes: an ffmpeg <c>testsrc2</c> pattern as H.264 Annex-B.</summary>
/// <param name="Width">Picture width in pixels.</param>
/// <param name="Height">Picture height in pixels.</param>
/// <param name="FramesPerSecond">Frame rate.</param>
/// <param name="Seconds">Clip duration.</param>
/// <param name="GopFrames">Frames between IDRs (fixed GOP, no scene-cut IDRs).</param>
/// <param name="BitrateKbps">Target bitrate (kbit/s).</param>
/// <param name="AccessUnitDelimiters">Emit an AUD before every access unit (x264 <c>aud=1</c>).</param>
/// <param name="Profile">x264 profile: <c>baseline</c> (constrained baseline) or <c>main</c>.</param>
/// <param name="SlicesPerFrame">Slices per picture (0 = x264's choice; zerolatency uses threads as slices).</param>
public sealed record H264ClipOptions(
    int Width = 320,
    int Height = 240,
    int FramesPerSecond = 15,
    double Seconds = 4,
    int GopFrames = 15,
    int BitrateKbps = 300,
    bool AccessUnitDelimiters = true,
    string Profile = "baseline",
    int SlicesPerFrame = 0);
