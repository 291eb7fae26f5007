namespace Vigil.Server.Features.Ingest;

/// <summary>Ingest's message to the next stage: a message is safely in the spool under this id.</summary>
internal sealed record SnapshotReceived(Guid SpoolId);
