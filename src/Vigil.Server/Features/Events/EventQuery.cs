using Microsoft.EntityFrameworkCore;
using Vigil.Server.Features.Vision;
using Vigil.Server.Storage;

namespace Vigil.Server.Features.Events;

/// <summary>
/// Reads events for <c>vigil events list</c>, <c>GET /api/events</c> and picture downloads:
/// filters by owner, camera, label and time; keyset paging by id (newest first), so a page
/// boundary stays put however many events arrive meanwhile.
/// </summary>
internal sealed class EventQuery(VigilDbContext db, PictureStore pictures, AnnotatedPictureCache annotatedPictures)
{
    public async Task<EventPage> ListAsync(EventFilter filter, CancellationToken cancellationToken)
    {
        if (filter.Limit is < 1 or > EventFilter.MaxLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(filter), $"limit must be from 1 to {EventFilter.MaxLimit}");
        }

        var query = db.Events.AsNoTracking().AsQueryable();
        if (filter.OwnerId is { } owner)
        {
            query = query.Where(e => e.OwnerId == owner);
        }

        if (filter.CameraId is { } cameraId)
        {
            query = query.Where(e => e.CameraId == cameraId);
        }

        if (filter.CameraName is { } cameraName)
        {
            query = query.Where(e => e.CameraName == cameraName);
        }

        if (filter.Label is { } label)
        {
            var friendly = CocoLabels.Normalize(label) ?? label;
            query = query.Where(e => e.Detections.Any(d => d.Label == friendly));
        }

        if (filter.From is { } from)
        {
            query = query.Where(e => e.OccurredAt >= from);
        }

        if (filter.To is { } to)
        {
            query = query.Where(e => e.OccurredAt < to);
        }

        if (filter.Before is { } before)
        {
            query = query.Where(e => e.Id < before);
        }

        var page = await query
            .OrderByDescending(e => e.Id)
            .Take(filter.Limit + 1)
            .Include(e => e.Pictures)
            .Include(e => e.Detections)
            .AsSplitQuery()
            .ToListAsync(cancellationToken);
        var more = page.Count > filter.Limit;
        var events = page.Take(filter.Limit).Select(ToView).ToList();
        return new EventPage(events, more ? events[^1].Id : null);
    }

    /// <summary>One event, or null when there is none with this id (for this owner, when one is given).</summary>
    public async Task<EventView?> GetAsync(Guid? ownerId, long eventId, CancellationToken cancellationToken)
    {
        var found = await db.Events.AsNoTracking()
            .Where(e => e.Id == eventId && (ownerId == null || e.OwnerId == ownerId))
            .Include(e => e.Pictures)
            .Include(e => e.Detections)
            .AsSplitQuery()
            .SingleOrDefaultAsync(cancellationToken);
        return found is null ? null : ToView(found);
    }

    /// <summary>
    /// The picture that best shows the event with this key (the stable id notifications carry): the
    /// first one with detections drawn, else the first original; null when this owner has no such event.
    /// </summary>
    public async Task<EventPictureLink?> FindBestPictureByKeyAsync(Guid ownerId, Guid key, CancellationToken cancellationToken)
    {
        var found = await db.Events.AsNoTracking()
            .Where(e => e.Key == key && e.OwnerId == ownerId)
            .Select(e => new
            {
                e.Id,
                Annotated = e.Pictures.Where(p => p.AnnotatedPath != null || e.Detections.Any(d => d.PictureIndex == p.Index)).OrderBy(p => p.Index).Select(p => (int?)p.Index).FirstOrDefault(),
                First = e.Pictures.OrderBy(p => p.Index).Select(p => (int?)p.Index).FirstOrDefault(),
            })
            .SingleOrDefaultAsync(cancellationToken);
        return found switch
        {
            null => null,
            { Annotated: { } index } => new EventPictureLink(found.Id, index, PictureVariant.Annotated),
            { First: { } index } => new EventPictureLink(found.Id, index, PictureVariant.Original),
            _ => null,
        };
    }

    /// <summary>
    /// An event's picture file, or null when there is no such event for this owner, picture or
    /// variant. The annotated variant exists for a picture with detections; it is made on the
    /// first request (<see cref="AnnotatedPictureCache"/>).
    /// </summary>
    public async Task<PictureFile?> GetPictureAsync(Guid? ownerId, long eventId, int index, PictureVariant variant, CancellationToken cancellationToken)
    {
        var picture = await db.Events.AsNoTracking()
            .Where(e => e.Id == eventId && (ownerId == null || e.OwnerId == ownerId))
            .SelectMany(e => e.Pictures)
            .Where(p => p.Index == index)
            .SingleOrDefaultAsync(cancellationToken);
        if (picture is null)
        {
            return null;
        }

        if (variant == PictureVariant.Annotated)
        {
            return await annotatedPictures.GetAsync(eventId, index, cancellationToken) is { } annotated ? new PictureFile(annotated, "image/jpeg") : null;
        }

        var relative = variant == PictureVariant.Original ? picture.Path : picture.ThumbnailPath;
        if (relative is null || pictures.Resolve(relative) is not { } path || !File.Exists(path))
        {
            return null;
        }

        return new PictureFile(path, variant == PictureVariant.Original ? picture.ContentType : "image/jpeg");
    }

    private static EventView ToView(SnapshotEvent e) => new(
        e.Id,
        e.CameraId,
        e.CameraName,
        e.OwnerId,
        e.OccurredAt,
        e.Source,
        e.Subject,
        e.DetectionAvailable,
        e.DetectionProblem,
        e.Labels.Length == 0 ? [] : e.Labels.Split(", "),
        e.Pictures.OrderBy(p => p.Index).Select(p => new EventPictureView(p.Index, p.FileName, p.ContentType, p.Width, p.Height, p.ThumbnailPath is not null, p.AnnotatedPath is not null || e.Detections.Any(d => d.PictureIndex == p.Index))).ToList(),
        e.Detections.OrderBy(d => d.PictureIndex).ThenByDescending(d => d.Confidence).Select(d => new EventDetectionView(d.PictureIndex, d.Label, d.Confidence, d.X, d.Y, d.Width, d.Height)).ToList());
}
