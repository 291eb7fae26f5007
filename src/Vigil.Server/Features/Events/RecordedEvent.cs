namespace Vigil.Server.Features.Events;

/// <summary>
/// What later stages (notifications) learn about a new event, before it is committed.
/// <see cref="PicturePath"/> is the first original; the annotated copy does not exist yet (it is
/// made on demand, see <see cref="AnnotatedPictureCache"/>).
/// </summary>
internal sealed record RecordedEvent(
    Guid Key,
    Guid CameraId,
    string CameraName,
    Guid OwnerId,
    DateTimeOffset OccurredAt,
    string Source,
    bool DetectionAvailable,
    IReadOnlyList<RecordedDetection> Detections,
    string? PicturePath);
