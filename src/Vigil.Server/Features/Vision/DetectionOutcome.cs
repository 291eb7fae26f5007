namespace Vigil.Server.Features.Vision;

/// <summary>The detector's answer for one picture: the objects found, or why there was no detection.</summary>
internal sealed record DetectionOutcome(bool Available, IReadOnlyList<Detection> Detections, string? Problem, TimeSpan Duration)
{
    public static DetectionOutcome Unavailable(string problem) => new(false, [], problem, TimeSpan.Zero);
}
