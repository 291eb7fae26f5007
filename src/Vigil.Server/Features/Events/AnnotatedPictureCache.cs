using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Vigil.Server.Features.Vision;
using Vigil.Server.Storage;
using Vigil.Shared;

namespace Vigil.Server.Features.Events;

/// <summary>
/// The annotated copy of an event's picture (its detections drawn), made when it is first asked
/// for (<c>GET …/pictures/{index}?size=annotated</c>, or a notification that attaches it) rather
/// than for every event at ingest: a full-size decode, draw and JPEG encode was more than half of
/// an event's processing, spent on pictures that are mostly never looked at. The copy is made from
/// the stored original and the stored detections, written durably beside the original
/// (<c>&lt;index&gt;.annotated.jpg</c>), and its path and size recorded on the event, so it is
/// made once and served from disk afterwards and retention counts and deletes it with the event.
/// Concurrent first requests for the same picture share one rendering (one task per picture while
/// it is being made, forgotten once it is done), and at most one rendering per core runs at a
/// time, so memory stays bounded however many pictures are asked for at once.
/// </summary>
internal sealed partial class AnnotatedPictureCache(IServiceScopeFactory scopes, PictureStore pictures, ILogger<AnnotatedPictureCache> logger) : IDisposable
{
    private readonly ConcurrentDictionary<(long EventId, int Index), Lazy<Task<string?>>> _making = new();
    private readonly SemaphoreSlim _renderers = new(Math.Max(1, Environment.ProcessorCount));
    private long _made;

    /// <summary>How many annotated copies this process has made (for tests and diagnostics).</summary>
    public long Made => Interlocked.Read(ref _made);

    public void Dispose() => _renderers.Dispose();

    /// <summary>
    /// The absolute path of the annotated copy of picture <paramref name="index"/> of event
    /// <paramref name="eventId"/>, made now if it does not exist yet; null when that picture has
    /// no detections, or its original is missing or cannot be decoded, or the event is gone.
    /// The caller checks that the event is the requester's.
    /// </summary>
    public async Task<string?> GetAsync(long eventId, int index, CancellationToken cancellationToken)
    {
        var key = (eventId, index);
        var making = _making.GetOrAdd(key, k => new Lazy<Task<string?>>(() => Task.Run(() => MakeOnceAsync(k))));

        // The rendering is shared, so it does not stop when this caller gives up; it is short.
        return await making.Value.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// The picture a notification attaches for the event with this key: the annotated copy of its
    /// first picture with detections (made now if needed), else its first original; null when the
    /// event or its pictures are gone.
    /// </summary>
    public async Task<PictureFile?> ForNotificationAsync(Guid eventKey, CancellationToken cancellationToken)
    {
        PictureCandidate? found;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
            found = await db.Events.AsNoTracking()
                .Where(e => e.Key == eventKey)
                .Select(e => new PictureCandidate(
                    e.Id,
                    e.Pictures.Where(p => p.AnnotatedPath != null || e.Detections.Any(d => d.PictureIndex == p.Index)).OrderBy(p => p.Index).Select(p => (int?)p.Index).FirstOrDefault(),
                    e.Pictures.OrderBy(p => p.Index).Select(p => p.Path).FirstOrDefault(),
                    e.Pictures.OrderBy(p => p.Index).Select(p => p.ContentType).FirstOrDefault()))
                .SingleOrDefaultAsync(cancellationToken);
        }

        if (found is null)
        {
            return null;
        }

        if (found.AnnotatedIndex is { } index && await GetAsync(found.EventId, index, cancellationToken) is { } annotated)
        {
            return new PictureFile(annotated, "image/jpeg");
        }

        return found.FirstPath is { } first && pictures.Resolve(first) is { } path && File.Exists(path)
            ? new PictureFile(path, found.FirstContentType ?? "image/jpeg")
            : null;
    }

    private async Task<string?> MakeOnceAsync((long EventId, int Index) key)
    {
        try
        {
            await _renderers.WaitAsync();
            try
            {
                return await MakeAsync(key.EventId, key.Index);
            }
            finally
            {
                _renderers.Release();
            }
        }
        finally
        {
            // Made (or not makeable): later requests read the database again, which now has it.
            _making.TryRemove(key, out _);
        }
    }

    private async Task<string?> MakeAsync(long eventId, int index)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
        var picture = await db.Events.AsNoTracking()
            .Where(e => e.Id == eventId)
            .SelectMany(e => e.Pictures)
            .Where(p => p.Index == index)
            .Select(p => new { p.Id, p.Path, p.AnnotatedPath })
            .SingleOrDefaultAsync();
        if (picture is null)
        {
            return null;
        }

        // Made by an earlier request (or at ingest, by an older version): serve it as it is.
        if (picture.AnnotatedPath is { } made && pictures.Resolve(made) is { } madePath && File.Exists(madePath))
        {
            return madePath;
        }

        var detections = await db.Events.AsNoTracking()
            .Where(e => e.Id == eventId)
            .SelectMany(e => e.Detections)
            .Where(d => d.PictureIndex == index)
            .OrderBy(d => d.Id)
            .ToListAsync();
        if (detections.Count == 0 || pictures.Resolve(picture.Path) is not { } original || Path.GetDirectoryName(picture.Path) is not { } directory)
        {
            return null;
        }

        byte[] bytes;
        try
        {
            bytes = await File.ReadAllBytesAsync(original);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            Log.OriginalMissing(logger, eventId, index);
            return null;
        }

        if (PictureRenderer.Annotate(bytes, detections.Select(ToDetection).ToList()) is not { } annotated)
        {
            Log.OriginalUnreadable(logger, eventId, index);
            return null;
        }

        var relative = Path.Combine(directory, $"{index}.annotated.jpg");
        var path = pictures.Resolve(relative)!;
        try
        {
            // Durable: once the row names it, a power loss must not leave the row pointing at nothing.
            DurableFile.Write(path, annotated, DurableFile.OwnerOnly);
        }
        catch (DirectoryNotFoundException)
        {
            return null; // the event was deleted meanwhile (its directory with it)
        }

        int updated;
        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            updated = await db.Set<EventPicture>().Where(p => p.Id == picture.Id).ExecuteUpdateAsync(s => s.SetProperty(p => p.AnnotatedPath, relative));
            await db.Events.Where(e => e.Id == eventId).ExecuteUpdateAsync(s => s.SetProperty(e => e.StoredBytes, e => e.StoredBytes + annotated.Length));
            await transaction.CommitAsync();
        }

        if (updated == 0)
        {
            // Deleted while it was being made: what was written goes with it.
            pictures.DeleteEvent(picture.Path);
            return null;
        }

        Interlocked.Increment(ref _made);
        Log.Made(logger, eventId, index, annotated.Length);
        return path;
    }

    private static Detection ToDetection(EventDetection d) =>
        new(Math.Max(0, Array.IndexOf(CocoLabels.Friendly, d.Label)), d.Label, d.Confidence, d.X, d.Y, d.Width, d.Height);

    private sealed record PictureCandidate(long EventId, int? AnnotatedIndex, string? FirstPath, string? FirstContentType);

    private static partial class Log
    {
        [LoggerMessage(EventId = 7320, Level = LogLevel.Debug, Message = "Annotated copy of picture {Index} of event {EventId} made ({Bytes} bytes)")]
        public static partial void Made(ILogger logger, long eventId, int index, int bytes);

        [LoggerMessage(EventId = 7321, Level = LogLevel.Warning, Message = "Picture {Index} of event {EventId} is missing on disk; no annotated copy")]
        public static partial void OriginalMissing(ILogger logger, long eventId, int index);

        [LoggerMessage(EventId = 7322, Level = LogLevel.Warning, Message = "Picture {Index} of event {EventId} cannot be decoded; no annotated copy")]
        public static partial void OriginalUnreadable(ILogger logger, long eventId, int index);
    }
}
