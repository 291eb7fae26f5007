namespace Vigil.Server.Features.Ingest;

/// <summary>A spooled message: the envelope and the message as received (MIME).</summary>
internal sealed record SpoolEntry(SpoolEnvelope Envelope, ReadOnlyMemory<byte> Content);
