namespace Vigil.WebRtc.H264;

/// <summary>An access unit with its presentation time.</summary>
/// <param name="AccessUnit">The coded picture.</param>
/// <param name="Timestamp">Presentation time, from a frame counter.</param>
public readonly record struct TimedAccessUnit(H264AccessUnit AccessUnit, TimeSpan Timestamp);
