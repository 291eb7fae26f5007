namespace Vigil.Server.Features.Ingest;

/// <summary>The 202 body of the webhook and the upload: the spool ids (one per camera) under which the message will become events.</summary>
internal sealed record IngestAccepted(IReadOnlyList<Guid> Ids);
