namespace Vigil.Server.Features.Ingest;

/// <summary>What the spool records beside a message: its id (the idempotency key of the event it becomes), camera, owner and origin.</summary>
internal sealed record SpoolEnvelope(
    Guid Id,
    Guid CameraId,
    string CameraName,
    Guid OwnerId,
    SnapshotSource Source,
    DateTimeOffset ReceivedAt,
    string? RemoteAddress,
    string? Sender);
