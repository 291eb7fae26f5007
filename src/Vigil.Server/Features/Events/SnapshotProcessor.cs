using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Vigil.Server.Features.Ingest;
using Vigil.Server.Features.Vision;
using Vigil.Server.Storage;
using Vigil.Shared;

namespace Vigil.Server.Features.Events;

/// <summary>
/// Turns spooled messages into events, as a pipeline. Workers (one per core, at least two) take
/// <see cref="SnapshotReceived"/> from Ingest's queue, each with a ticket in queue order, and
/// prepare the event in parallel: extract the pictures, run the detector, store the pictures
/// (original and thumbnail; the annotated copy is made when first asked for, by
/// <see cref="AnnotatedPictureCache"/>). One recorder then stores prepared events in ticket order, so the
/// events of a camera are stored in the order they were accepted: it takes every prepared event
/// that is next in line (up to <see cref="MaxBatch"/>), lets the <see cref="IEventListener"/>s
/// (notifications) decide for each in turn, and commits them in one transaction (group commit:
/// one disk flush for the batch, not one per event). Only then are the spool entries removed.
/// The spool id is stored as the event's key, so an entry replayed after a crash between the
/// commit and the removal is recognised and only removed: every accepted message becomes exactly
/// one event. An entry that failed is retried later, after the ones queued meanwhile.
/// </summary>
internal sealed partial class SnapshotProcessor(
    SnapshotQueue queue,
    SnapshotSpool spool,
    ObjectDetector detector,
    PictureStore pictures,
    IServiceScopeFactory scopes,
    IOptions<VisionOptions> visionOptions,
    EventMetrics metrics,
    TimeProvider time,
    ILogger<SnapshotProcessor> logger) : BackgroundService
{
    /// <summary>At most this many events per transaction (a burst is stored in batches of this size).</summary>
    internal const int MaxBatch = 32;

    private const int MaxAttempts = 5;
    private readonly ConcurrentDictionary<Guid, int> _failures = new();
    private readonly ConcurrentDictionary<Guid, byte> _inProgress = new();

    // Tickets: handed out in queue order under the lock; prepared events (or null for a ticket
    // that has nothing to record) wait in _prepared until every earlier ticket is in.
    private readonly Lock _order = new();
    private readonly Dictionary<long, PreparedEvent?> _prepared = [];
    private readonly SemaphoreSlim _preparedSignal = new(0);
    private long _nextTicket;
    private long _nextToRecord;

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var workers = Enumerable.Range(0, Math.Max(2, Environment.ProcessorCount)).Select(_ => Task.Run(() => WorkAsync(stoppingToken), CancellationToken.None));
        return Task.WhenAll(workers.Append(Task.Run(() => RecordAsync(stoppingToken), CancellationToken.None)));
    }

    public override void Dispose()
    {
        _preparedSignal.Dispose();
        base.Dispose();
    }

    private async Task WorkAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await queue.Reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                SnapshotReceived received;
                long ticket;
                lock (_order)
                {
                    if (!queue.Reader.TryRead(out received!))
                    {
                        continue; // another worker took it
                    }

                    ticket = _nextTicket++;
                }

                PreparedEvent? prepared = null;
                var id = received.SpoolId;
                try
                {
                    if (!_inProgress.TryAdd(id, 0))
                    {
                        continue; // queued twice (replay and listener); the other worker has it
                    }

                    prepared = await PrepareAsync(id, stoppingToken);
                    if (prepared is null)
                    {
                        _inProgress.TryRemove(id, out _);
                    }
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return; // the entry stays in the spool and is replayed at the next start
                }
                catch (Exception e)
                {
                    _inProgress.TryRemove(id, out _);
                    Failed(id, e, stoppingToken);
                }
                finally
                {
                    Prepared(ticket, prepared);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private void Prepared(long ticket, PreparedEvent? prepared)
    {
        lock (_order)
        {
            _prepared[ticket] = prepared;
        }

        _preparedSignal.Release();
    }

    /// <summary>The recorder: stores prepared events in ticket order, in batches.</summary>
    private async Task RecordAsync(CancellationToken stoppingToken)
    {
        var batch = new List<PreparedEvent>(MaxBatch);
        try
        {
            while (true)
            {
                await _preparedSignal.WaitAsync(stoppingToken).ConfigureAwait(false);
                while (true)
                {
                    batch.Clear();
                    lock (_order)
                    {
                        while (batch.Count < MaxBatch && _prepared.Remove(_nextToRecord, out var next))
                        {
                            _nextToRecord++;
                            if (next is not null)
                            {
                                batch.Add(next);
                            }
                        }
                    }

                    if (batch.Count == 0)
                    {
                        break;
                    }

                    await RecordBatchAsync(batch, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: what is not committed stays in the spool and is replayed at the next start.
        }
    }

    private async Task RecordBatchAsync(List<PreparedEvent> batch, CancellationToken stoppingToken)
    {
        try
        {
            await CommitAsync(batch, stoppingToken);
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            if (batch.Count > 1)
            {
                // One of them spoiled the transaction: store each alone, so the others do not wait for it.
                foreach (var prepared in batch)
                {
                    await RecordBatchAsync([prepared], stoppingToken);
                }

                return;
            }

            var id = batch[0].Id;
            if (e is DbUpdateException && await IsRecordedAsync(id, stoppingToken))
            {
                // Another processor stored it first (unique key): only the spool entry is left to remove.
                spool.Complete(id);
                _inProgress.TryRemove(id, out _);
                return;
            }

            _inProgress.TryRemove(id, out _);
            Failed(id, e, stoppingToken);
        }
    }

    /// <summary>
    /// One transaction for the batch. Each event is saved (not committed) before the next one's
    /// listeners run, so a notification cooldown sees the deliveries planned for the events
    /// before it, as it would with one transaction per event.
    /// </summary>
    private async Task CommitAsync(List<PreparedEvent> batch, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
        var listeners = scope.ServiceProvider.GetServices<IEventListener>().ToList();
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            var unit = batch.ConvertAll(p => p.Recorded);
            foreach (var listener in listeners)
            {
                await listener.OnUnitStartingAsync(unit, cancellationToken);
            }

            foreach (var prepared in batch)
            {
                db.Events.Add(prepared.Event);
                foreach (var listener in listeners)
                {
                    await listener.OnRecordingAsync(prepared.Recorded, cancellationToken);
                }

                await db.SaveChangesAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }

        var now = time.GetUtcNow();
        foreach (var prepared in batch)
        {
            spool.Complete(prepared.Id);
            _failures.TryRemove(prepared.Id, out _);
            _inProgress.TryRemove(prepared.Id, out _);
            metrics.Stored(prepared.Event.Source, now - prepared.Event.OccurredAt);
            Log.Recorded(logger, prepared.Event.Id, prepared.Event.CameraId, prepared.Event.Source, prepared.Event.Pictures.Count, prepared.Event.Labels);
        }

        foreach (var listener in listeners)
        {
            listener.OnRecorded();
        }
    }

    private void Failed(Guid id, Exception e, CancellationToken stoppingToken)
    {
        if (e is SpoolFormatException)
        {
            spool.Quarantine(id, e.Message);
            return;
        }

        var attempts = _failures.AddOrUpdate(id, 1, (_, n) => n + 1);
        if (attempts >= MaxAttempts)
        {
            _failures.TryRemove(id, out _);
            spool.Quarantine(id, $"failed {attempts} times, last: {e.Message}");
            return;
        }

        // Most likely the database is unreachable: keep the entry and try again later.
        var delay = TimeSpan.FromSeconds(Math.Pow(4, attempts));
        Log.WillRetry(logger, e, id, delay);
        _ = RetryLaterAsync(id, delay, stoppingToken);
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

    /// <summary>Everything but the commit; null when there is nothing to record (the entry is gone, or its event is stored already).</summary>
    private async Task<PreparedEvent?> PrepareAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await spool.ReadAsync(id, cancellationToken) is not { } entry)
        {
            return null; // already completed (queued twice: by the replay and by the listener)
        }

        if (await IsRecordedAsync(id, cancellationToken))
        {
            spool.Complete(id);
            Log.AlreadyRecorded(logger, id);
            return null;
        }

        var envelope = entry.Envelope;
        var extraction = PictureExtractor.Extract(entry.Content, visionOptions.Value.MaxImagePixels, int.MaxValue);
        var available = await detector.EnsureLoadedAsync(cancellationToken);
        var directory = pictures.DirectoryFor(id, envelope.ReceivedAt);
        var storedPictures = new List<EventPicture>();
        var detections = new List<EventDetection>();
        long storedBytes = 0;
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

            firstPicture ??= original;
            storedPictures.Add(new EventPicture
            {
                Index = picture.Index,
                FileName = picture.FileName is { } name ? name[..Math.Min(name.Length, 256)] : null,
                ContentType = picture.Info.ContentType,
                Path = original,
                ThumbnailPath = thumbnailPath,
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
        var recorded = new RecordedEvent(
            id,
            envelope.CameraId,
            envelope.CameraName,
            envelope.OwnerId,
            envelope.ReceivedAt,
            snapshotEvent.Source,
            available,
            detections.Select(d => new RecordedDetection(d.Label, d.Confidence, d.PictureIndex, d.X, d.Y, d.Width, d.Height)).ToList(),
            firstPicture is null ? null : pictures.Resolve(firstPicture));
        return new PreparedEvent(id, snapshotEvent, recorded);
    }

    private async Task<bool> IsRecordedAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<VigilDbContext>().Events.AnyAsync(e => e.Key == id, cancellationToken);
    }

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..max];

    /// <summary>An event ready to be committed: its row (pictures and detections included) and what listeners learn.</summary>
    private sealed record PreparedEvent(Guid Id, SnapshotEvent Event, RecordedEvent Recorded);

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
