namespace Vigil.Server.Features.Events;

/// <summary>An event as APIs and commands show it (no file paths).</summary>
internal sealed record EventView(
    long Id,
    Guid CameraId,
    string Camera,
    Guid OwnerId,
    DateTimeOffset OccurredAt,
    string Source,
    string? Subject,
    bool DetectionAvailable,
    string? DetectionProblem,
    IReadOnlyList<string> Labels,
    IReadOnlyList<EventPictureView> Pictures,
    IReadOnlyList<EventDetectionView> Detections);
