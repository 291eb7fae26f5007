namespace Vigil.Server.Features.Events;

/// <summary>An event as <c>/api/events</c> shows it: camera, time, source, detections with boxes, and links to its pictures.</summary>
internal sealed record ApiEventView(
    long Id,
    ApiEventCamera Camera,
    DateTimeOffset OccurredAt,
    string Source,
    string? Subject,
    bool DetectionAvailable,
    IReadOnlyList<string> Labels,
    IReadOnlyList<ApiDetection> Detections,
    IReadOnlyList<ApiPicture> Pictures)
{
    public static ApiEventView From(EventView e) => new(
        e.Id,
        new ApiEventCamera(e.CameraId, e.Camera),
        e.OccurredAt,
        e.Source,
        e.Subject,
        e.DetectionAvailable,
        e.Labels,
        e.Detections.Select(d => new ApiDetection(d.Picture, d.Label, d.Confidence, new ApiBox(d.X, d.Y, d.Width, d.Height))).ToList(),
        e.Pictures.Select(p => new ApiPicture(
            p.Index,
            p.FileName,
            p.ContentType,
            p.Width,
            p.Height,
            new EventPictureLink(e.Id, p.Index).Url,
            p.HasThumbnail ? new EventPictureLink(e.Id, p.Index, PictureVariant.Thumbnail).Url : null,
            p.HasAnnotated ? new EventPictureLink(e.Id, p.Index, PictureVariant.Annotated).Url : null)).ToList());
}

internal sealed record ApiEventCamera(Guid Id, string Name);

/// <summary>A detection; <see cref="Box"/> is in pixels of picture <see cref="Picture"/> (x, y = top left).</summary>
internal sealed record ApiDetection(int Picture, string Label, float Confidence, ApiBox Box);

internal sealed record ApiBox(float X, float Y, float Width, float Height);

internal sealed record ApiPicture(int Index, string? FileName, string ContentType, int Width, int Height, string Url, string? ThumbnailUrl, string? AnnotatedUrl);

/// <summary>A page of <c>GET /api/events</c>; <see cref="NextCursor"/> fetches the next (older) page, null at the end.</summary>
internal sealed record ApiEventPage(IReadOnlyList<ApiEventView> Events, string? NextCursor);
