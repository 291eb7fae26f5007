namespace Vigil.Server.Features.Events;

/// <summary>What later stages (notifications) learn about a new event, before it is committed.</summary>
internal sealed record RecordedEvent(
    Guid Key,
    Guid CameraId,
    string CameraName,
    Guid OwnerId,
    DateTimeOffset OccurredAt,
    string Source,
    bool DetectionAvailable,
    IReadOnlyList<RecordedDetection> Detections,
    string? AnnotatedPicturePath,
    string? PicturePath);
