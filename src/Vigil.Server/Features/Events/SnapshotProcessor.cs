using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Vigil.Server.Features.Ingest;
using Vigil.Server.Features.Vision;
using Vigil.Server.Storage;
using Vigil.Shared;

namespace Vigil.Server.Features.Events;

/// <summary>
/// Turns spooled messages into events: reads <see cref="SnapshotReceived"/> from Ingest's queue,
/// extracts the pictures, runs the detector, stores pictures (thumbnail, annotated copy) and the
/// event, lets <see cref="IEventListener"/>s (notifications) add their decisions to the same
/// transaction, then removes the spool entry. The spool id is stored as the event's key, so an
/// entry replayed after a crash between the commit and the removal is recognised and only removed:
/// every accepted message becomes exactly one event.
/// </summary>
internal sealed partial class SnapshotProcessor(
    SnapshotQueue queue,
    SnapshotSpool spool,
    ObjectDetector detector,
    PictureStore pictures,
    IServiceScopeFactory scopes,
    IOptions<VisionOptions> visionOptions,
    TimeProvider time,
    ILogger<SnapshotProcessor> logger) : BackgroundService
{
    private const int MaxAttempts = 5;
    private readonly ConcurrentDictionary<Guid, int> _failures = new();
    private readonly ConcurrentDictionary<Guid, byte> _inProgress = new();

    // Pictures are decoded, detected and rendered by several workers at once; the recording step
    // (the notification decisions, which read earlier decisions for cooldowns, and the commit)
    // runs one at a time, so two events of one camera cannot both pass the same cooldown.
    private readonly SemaphoreSlim _recording = new(1, 1);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, Math.Max(2, Environment.ProcessorCount)).Select(_ => Task.Run(() => WorkAsync(stoppingToken), CancellationToken.None)));

    public override void Dispose()
    {
        _recording.Dispose();
        base.Dispose();
    }

    private async Task WorkAsync(CancellationToken stoppingToken)
    {
        await foreach (var received in queue.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
        {
            var id = received.SpoolId;
            if (!_inProgress.TryAdd(id, 0))
            {
                continue; // queued twice (replay and listener); the other worker has it
            }

            try
            {
                await ProcessAsync(id, stoppingToken);
                _failures.TryRemove(id, out _);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return; // the entry stays in the spool and is replayed at the next start
            }
            catch (SpoolFormatException e)
            {
                spool.Quarantine(id, e.Message);
            }
            catch (Exception e)
            {
                var attempts = _failures.AddOrUpdate(id, 1, (_, n) => n + 1);
                if (attempts >= MaxAttempts)
                {
                    _failures.TryRemove(id, out _);
                    spool.Quarantine(id, $"failed {attempts} times, last: {e.Message}");
                    continue;
                }

                // Most likely the database is unreachable: keep the entry and try again later.
                var delay = TimeSpan.FromSeconds(Math.Pow(4, attempts));
                Log.WillRetry(logger, e, id, delay);
                _ = RetryLaterAsync(id, delay, stoppingToken);
            }
            finally
            {
                _inProgress.TryRemove(id, out _);
            }
        }
    }

    private async Task RetryLaterAsync(Guid id, TimeSpan delay, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(delay, time, stoppingToken);
            queue.Enqueue(id);
        }
        catch (OperationCanceledException)
        {
            // Shutting down: replayed at the next start.
        }
    }

    public async Task ProcessAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await spool.ReadAsync(id, cancellationToken) is not { } entry)
        {
            return; // already completed (queued twice: by the replay and by the listener)
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
        if (await db.Events.AnyAsync(e => e.Key == id, cancellationToken))
        {
            spool.Complete(id);
            Log.AlreadyRecorded(logger, id);
            return;
        }

        var envelope = entry.Envelope;
        var extraction = PictureExtractor.Extract(entry.Content, visionOptions.Value.MaxImagePixels, int.MaxValue);
        var available = await detector.EnsureLoadedAsync(cancellationToken);
        var directory = pictures.DirectoryFor(id, envelope.ReceivedAt);
        var storedPictures = new List<EventPicture>();
        var detections = new List<EventDetection>();
        long storedBytes = 0;
        string? firstAnnotated = null;
        string? firstPicture = null;
        foreach (var picture in extraction.Pictures)
        {
            var outcome = available ? detector.Detect(picture.Bytes) : DetectionOutcome.Unavailable(detector.Problem ?? "unavailable");
            var original = await pictures.WriteAsync(directory, $"{picture.Index}.{picture.Info.Extension}", picture.Bytes, durable: true, cancellationToken);
            storedBytes += picture.Bytes.Length;
            string? thumbnailPath = null;
            if (PictureRenderer.Thumbnail(picture.Bytes) is { } thumbnail)
            {
                thumbnailPath = await pictures.WriteAsync(directory, $"{picture.Index}.thumb.jpg", thumbnail, durable: false, cancellationToken);
                storedBytes += thumbnail.Length;
            }

            string? annotatedPath = null;
            if (outcome.Detections.Count > 0 && PictureRenderer.Annotate(picture.Bytes, outcome.Detections) is { } annotated)
            {
                annotatedPath = await pictures.WriteAsync(directory, $"{picture.Index}.annotated.jpg", annotated, durable: false, cancellationToken);
                storedBytes += annotated.Length;
            }

            firstPicture ??= original;
            firstAnnotated ??= annotatedPath;
            storedPictures.Add(new EventPicture
            {
                Index = picture.Index,
                FileName = picture.FileName is { } name ? name[..Math.Min(name.Length, 256)] : null,
                ContentType = picture.Info.ContentType,
                Path = original,
                ThumbnailPath = thumbnailPath,
                AnnotatedPath = annotatedPath,
                Width = picture.Info.Width,
                Height = picture.Info.Height,
            });
            detections.AddRange(outcome.Detections.Select(d => new EventDetection
            {
                PictureIndex = picture.Index,
                Label = d.Label,
                Confidence = d.Confidence,
                X = d.X,
                Y = d.Y,
                Width = d.Width,
                Height = d.Height,
            }));
        }

        if (storedPictures.Count > 0)
        {
            DurableFile.FlushDirectory(Path.Combine(pictures.Root, directory));
        }

        var labels = detections.GroupBy(d => d.Label).OrderByDescending(g => g.Max(d => d.Confidence)).Select(g => g.Key).ToList();
        var problem = !available ? detector.Problem : extraction.Problem;
        var snapshotEvent = new SnapshotEvent
        {
            Key = id,
            CameraId = envelope.CameraId,
            CameraName = envelope.CameraName,
            OwnerId = envelope.OwnerId,
            OccurredAt = envelope.ReceivedAt,
            Source = envelope.Source.ToString(),
            Subject = extraction.Subject,
            DetectionAvailable = available,
            DetectionProblem = problem is null ? null : problem[..Math.Min(problem.Length, 512)],
            Labels = Truncate(string.Join(", ", labels), 512),
            StoredBytes = storedBytes,
            Pictures = storedPictures,
            Detections = detections,
        };
        db.Events.Add(snapshotEvent);

        var recorded = new RecordedEvent(
            id,
            envelope.CameraId,
            envelope.CameraName,
            envelope.OwnerId,
            envelope.ReceivedAt,
            snapshotEvent.Source,
            available,
            detections.Select(d => new RecordedDetection(d.Label, d.Confidence, d.PictureIndex, d.X, d.Y, d.Width, d.Height)).ToList(),
            firstAnnotated is null ? null : pictures.Resolve(firstAnnotated),
            firstPicture is null ? null : pictures.Resolve(firstPicture));
        var listeners = scope.ServiceProvider.GetServices<IEventListener>().ToList();
        await _recording.WaitAsync(cancellationToken);
        try
        {
            foreach (var listener in listeners)
            {
                await listener.OnRecordingAsync(recorded, cancellationToken);
            }

            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            if (!await IsRecordedAsync(id, cancellationToken))
            {
                throw;
            }

            // Another processor stored it first (unique key); nothing more to do.
        }
        finally
        {
            _recording.Release();
        }

        spool.Complete(id);
        foreach (var listener in listeners)
        {
            listener.OnRecorded();
        }

        Log.Recorded(logger, snapshotEvent.Id, envelope.CameraId, snapshotEvent.Source, storedPictures.Count, snapshotEvent.Labels);
    }

    private async Task<bool> IsRecordedAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<VigilDbContext>().Events.AnyAsync(e => e.Key == id, cancellationToken);
    }

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..max];

    private static partial class Log
    {
        [LoggerMessage(EventId = 7301, Level = LogLevel.Information, Message = "Event {EventId} recorded for camera {CameraId} via {Source}: {Pictures} picture(s), labels [{Labels}]")]
        public static partial void Recorded(ILogger logger, long eventId, Guid cameraId, string source, int pictures, string labels);

        [LoggerMessage(EventId = 7302, Level = LogLevel.Information, Message = "Spool entry {SpoolId} was already recorded; removed")]
        public static partial void AlreadyRecorded(ILogger logger, Guid spoolId);

        [LoggerMessage(EventId = 7303, Level = LogLevel.Warning, Message = "Spool entry {SpoolId} could not be processed; retrying in {Delay}")]
        public static partial void WillRetry(ILogger logger, Exception exception, Guid spoolId, TimeSpan delay);
    }
}
