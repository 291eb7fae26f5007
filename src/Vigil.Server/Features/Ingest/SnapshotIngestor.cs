using Microsoft.Extensions.Options;
using Vigil.Server.Features.Cameras;
using Vigil.Server.Features.Vision;

namespace Vigil.Server.Features.Ingest;

/// <summary>
/// The one way into the spool for SMTP, the webhook and the upload: checks the message has a
/// usable picture (so a camera hears why it was refused), refuses cameras whose owner is over
/// their storage quota (<see cref="IOwnerStorageQuota"/>), writes one spool entry per camera
/// (flushed to disk before this returns), then hands the ids to the next stage.
/// </summary>
internal sealed partial class SnapshotIngestor(
    SnapshotSpool spool,
    SnapshotQueue queue,
    IngestMetrics metrics,
    IOwnerStorageQuota quota,
    IOptions<IngestOptions> ingestOptions,
    IOptions<VisionOptions> visionOptions,
    TimeProvider time,
    ILogger<SnapshotIngestor> logger)
{
    public async Task<IngestResult> AcceptAsync(
        IReadOnlyCollection<CameraIdentity> cameras,
        ReadOnlyMemory<byte> message,
        SnapshotSource source,
        string? remoteAddress,
        string? sender,
        CancellationToken cancellationToken)
    {
        if (message.Length > ingestOptions.Value.MaxMessageBytes)
        {
            metrics.Refused(source, "too_large");
            return IngestResult.Refused($"the message is larger than {ingestOptions.Value.MaxMessageBytes} bytes");
        }

        var extraction = PictureExtractor.Extract(message, visionOptions.Value.MaxImagePixels, ingestOptions.Value.MaxHeaderBytes);
        foreach (var camera in cameras)
        {
            foreach (var skipped in extraction.Skipped)
            {
                Log.AttachmentSkipped(logger, camera.Id, source, skipped);
            }
        }

        if (extraction.Problem is { } problem)
        {
            Log.Refused(logger, source, remoteAddress, problem);
            metrics.Refused(source, extraction.ProblemKind ?? "no_picture");
            return IngestResult.Refused(problem);
        }

        // Storage fairness: an owner over quota gets nothing more until retention has deleted their oldest.
        var allowed = new List<CameraIdentity>();
        string? overQuota = null;
        foreach (var camera in cameras.DistinctBy(c => c.Id))
        {
            if (await quota.RefusalAsync(camera.OwnerId, cancellationToken) is { } refusal)
            {
                overQuota = refusal;
                Log.OverQuota(logger, camera.Id, source, refusal);
            }
            else
            {
                allowed.Add(camera);
            }
        }

        if (allowed.Count == 0 && overQuota is not null)
        {
            return IngestResult.QuotaExceeded(overQuota);
        }

        var ids = new List<Guid>();
        foreach (var camera in allowed)
        {
            var now = time.GetUtcNow();
            var envelope = new SpoolEnvelope(Guid.CreateVersion7(now), camera.Id, camera.Name, camera.OwnerId, source, now, remoteAddress, sender);
            await spool.WriteAsync(envelope, message, cancellationToken);
            ids.Add(envelope.Id);
            Log.Spooled(logger, envelope.Id, camera.Id, source, message.Length, extraction.Pictures.Count);
        }

        foreach (var id in ids)
        {
            queue.Enqueue(id);
        }

        metrics.Accepted(source, ids.Count);

        return new IngestResult(ids, null);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7002, Level = LogLevel.Debug, Message = "Spooled {SpoolId} from camera {CameraId} via {Source}: {Bytes} bytes, {Pictures} picture(s)")]
        public static partial void Spooled(ILogger logger, Guid spoolId, Guid cameraId, SnapshotSource source, int bytes, int pictures);

        [LoggerMessage(EventId = 7003, Level = LogLevel.Warning, Message = "Camera {CameraId} ({Source}): skipped {Reason}")]
        public static partial void AttachmentSkipped(ILogger logger, Guid cameraId, SnapshotSource source, string reason);

        [LoggerMessage(EventId = 7006, Level = LogLevel.Warning, Message = "Camera {CameraId} ({Source}): refused, {Problem}")]
        public static partial void OverQuota(ILogger logger, Guid cameraId, SnapshotSource source, string problem);

        [LoggerMessage(EventId = 7004, Level = LogLevel.Warning, Message = "Refused a message via {Source} from {Remote}: {Problem}")]
        public static partial void Refused(ILogger logger, SnapshotSource source, string? remote, string problem);
    }
}
