using Vigil.WebRtc.H264;

namespace Vigil.WebRtc;

/// <summary>How a <see cref="VideoTrack"/> is described and paced.</summary>
public sealed class VideoTrackSettings
{
    /// <summary>H.264 profile of the stream; the answer picks the offered payload type of this profile (RFC 6184 §8.2.2).</summary>
    public H264Profile Profile { get; init; } = H264Profile.ConstrainedBaseline;

    /// <summary>MediaStream id announced in <c>a=msid</c>.</summary>
    public string StreamId { get; init; } = "vigil";

    /// <summary>Track id announced in <c>a=msid</c>.</summary>
    public string TrackId { get; init; } = "vigil-video";

    /// <summary>
    /// First RTP sequence number; random in 0..32767 when null (libsrtp PR #725: a high start makes receivers guess the ROC wrong).
    /// Tests set a value near 65535 to force a rollover.
    /// </summary>
    public ushort? InitialSequenceNumber { get; init; }

    /// <summary>Packets retained for NACK retransmission (≈1–5 s of video).</summary>
    public int RetransmissionHistory { get; init; } = 1024;

    /// <summary>Keyframe requests are passed on at most this often.</summary>
    public TimeSpan KeyframeRequestInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// A large access unit is sent in bursts of this many packets with a 1 ms pause in between; on Linux each
    /// burst is one <c>sendmmsg</c> system call, and the track keeps send buffers for one burst.
    /// </summary>
    public int PacingBurstPackets { get; init; } = 16;
}
