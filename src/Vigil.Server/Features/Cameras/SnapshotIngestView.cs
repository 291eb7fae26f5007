namespace Vigil.Server.Features.Cameras;

/// <summary>Where a camera with snapshot-ingest credentials sends its pictures (never the secrets).</summary>
internal sealed record SnapshotIngestView(string SmtpUsername, string IngestDomain, int SmtpPort, string UploadPath);
