namespace Vigil.Server.Features.Events;

/// <summary>Something a camera saw: when, how it arrived, its pictures and what was detected in them. Belongs to the camera's owner.</summary>
internal sealed class SnapshotEvent
{
    public long Id { get; set; }

    /// <summary>The spool entry this event came from: recorded with it, so a replayed entry never makes a second event.</summary>
    public required Guid Key { get; init; }

    public required Guid CameraId { get; init; }

    public required string CameraName { get; init; }

    /// <summary>The camera owner's account id when the picture arrived.</summary>
    public required Guid OwnerId { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }

    /// <summary><c>Smtp</c>, <c>Webhook</c> or <c>Upload</c>.</summary>
    public required string Source { get; init; }

    public string? Subject { get; init; }

    /// <summary>Whether a detector looked at the pictures; false when the model was unavailable.</summary>
    public required bool DetectionAvailable { get; init; }

    public string? DetectionProblem { get; init; }

    /// <summary>Distinct labels, best first, comma-separated: what lists show.</summary>
    public required string Labels { get; init; }

    /// <summary>Bytes of the picture files (originals, thumbnails, annotated copies), for size-based retention.</summary>
    public required long StoredBytes { get; init; }

    public List<EventPicture> Pictures { get; init; } = [];

    public List<EventDetection> Detections { get; init; } = [];
}
