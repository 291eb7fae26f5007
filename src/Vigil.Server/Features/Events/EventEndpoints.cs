using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using Vigil.Server.Features.Identity;
using Vigil.Server.Features.Vision;
using Vigil.Server.Hosting;

namespace Vigil.Server.Features.Events;

/// <summary>
/// <c>/api/events</c>: what the caller's cameras saw, newest first, with opaque cursor paging;
/// one event; its pictures; deleting one. Every query is scoped to the caller, so another user's
/// event or picture answers 404 exactly like one that does not exist.
/// </summary>
internal static class EventEndpoints
{
    public static RouteGroupBuilder MapEventApi(this IEndpointRouteBuilder app)
    {
        var events = app.MapGroup("/api/events").WithTags("Events").RequireAuthorization(IdentityPolicies.User);
        events.MapGet("", ListAsync)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .WithSummary("The caller's events, newest first. Filters: camera (id), label (e.g. Person), from/to (ISO 8601, to exclusive); limit 1-500 (default 50); cursor from the previous page's nextCursor.")
            .WithDescription("400 invalid-parameter names the parameter that is wrong (also as `parameter`).");
        events.MapGet("/{id:long}", GetAsync)
            .WithSummary("One event of the caller.");
        events.MapGet("/{id:long}/pictures/{index:int}", GetPictureAsync)
            .Produces<Stream>(StatusCodes.Status200OK, "image/jpeg", "image/png", "image/webp", "image/gif")
            .Produces(StatusCodes.Status304NotModified)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .WithSummary("A picture of an event: the original (default), size=thumbnail, or size=annotated (detections drawn).");
        events.MapGet("/{key:guid}/picture", RedirectToPictureAsync)
            .Produces(StatusCodes.Status302Found)
            .WithSummary("The picture of the event with this key (the id notifications such as MQTT messages carry): a redirect to its first picture with detections drawn (size=annotated), else to its first picture.");
        events.MapDelete("/{id:long}", DeleteAsync)
            .WithSummary("Delete an event and its pictures.");
        return events;
    }

    private static async Task<Results<Ok<ApiEventPage>, ProblemHttpResult>> ListAsync(
        string? camera,
        string? label,
        string? from,
        string? to,
        string? limit,
        string? cursor,
        ClaimsPrincipal principal,
        EventQuery query,
        CancellationToken cancellationToken)
    {
        Guid? cameraId = null;
        if (camera is not null)
        {
            if (!Guid.TryParse(camera, out var parsed))
            {
                return ApiProblems.InvalidParameter("camera", "must be a camera id (a GUID from GET /api/cameras)");
            }

            cameraId = parsed;
        }

        string? friendly = null;
        if (label is not null && (friendly = CocoLabels.Normalize(label)) is null)
        {
            return ApiProblems.InvalidParameter("label", "is not a label the detector knows (e.g. Person, Car, Dog, Cat, Bicycle)");
        }

        if (!TryParseTime(from, out var fromTime))
        {
            return ApiProblems.InvalidParameter("from", "must be an ISO 8601 time (UTC unless it has an offset), e.g. 2026-11-23T08:00:00Z");
        }

        if (!TryParseTime(to, out var toTime))
        {
            return ApiProblems.InvalidParameter("to", "must be an ISO 8601 time (UTC unless it has an offset), e.g. 2026-11-23T18:00:00Z");
        }

        if (fromTime is { } f && toTime is { } t && f > t)
        {
            return ApiProblems.InvalidParameter("from", "must not be after 'to'");
        }

        var count = EventFilter.DefaultLimit;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count is < 1 or > EventFilter.MaxLimit))
        {
            return ApiProblems.InvalidParameter("limit", $"must be a whole number from 1 to {EventFilter.MaxLimit}");
        }

        long? before = null;
        if (cursor is not null)
        {
            if (!EventCursor.TryDecode(cursor, out var decoded))
            {
                return ApiProblems.InvalidParameter("cursor", "is not a cursor this server issued (use nextCursor of the previous page as it is)");
            }

            before = decoded;
        }

        var page = await query.ListAsync(new EventFilter(principal.GetRequiredUserId(), cameraId, null, friendly, fromTime, toTime, before, count), cancellationToken);
        return TypedResults.Ok(new ApiEventPage(
            page.Events.Select(ApiEventView.From).ToList(),
            page.NextBefore is { } next ? EventCursor.Encode(next) : null));
    }

    private static async Task<Results<Ok<ApiEventView>, NotFound>> GetAsync(long id, ClaimsPrincipal principal, EventQuery query, CancellationToken cancellationToken) =>
        await query.GetAsync(principal.GetRequiredUserId(), id, cancellationToken) is { } found
            ? TypedResults.Ok(ApiEventView.From(found))
            : TypedResults.NotFound();

    private static async Task<Results<RedirectHttpResult, NotFound>> RedirectToPictureAsync(Guid key, ClaimsPrincipal principal, EventQuery query, CancellationToken cancellationToken) =>
        await query.FindBestPictureByKeyAsync(principal.GetRequiredUserId(), key, cancellationToken) is { } picture
            ? TypedResults.Redirect(picture.Url)
            : TypedResults.NotFound();

    private static async Task<Results<PhysicalFileHttpResult, NotFound, ProblemHttpResult>> GetPictureAsync(
        long id,
        int index,
        string? size,
        HttpContext context,
        ClaimsPrincipal principal,
        EventQuery query,
        CancellationToken cancellationToken)
    {
        PictureVariant variant;
        switch (size?.ToLowerInvariant())
        {
            case null or "original":
                variant = PictureVariant.Original;
                break;
            case "thumbnail":
                variant = PictureVariant.Thumbnail;
                break;
            case "annotated":
                variant = PictureVariant.Annotated;
                break;
            default:
                return ApiProblems.InvalidParameter("size", "must be original, thumbnail or annotated");
        }

        if (await query.GetPictureAsync(principal.GetRequiredUserId(), id, index, variant, cancellationToken) is not { } picture)
        {
            return TypedResults.NotFound();
        }

        // A stored picture never changes (a new event gets new files), so its ETag is its identity
        // and size; private: it is one user's, no shared cache may keep it.
        var file = new FileInfo(picture.Path);
        var etag = new EntityTagHeaderValue($"\"{id.ToString(CultureInfo.InvariantCulture)}-{index.ToString(CultureInfo.InvariantCulture)}-{variant.ToString().ToLowerInvariant()}-{file.Length.ToString(CultureInfo.InvariantCulture)}\"");
        context.Response.Headers.CacheControl = "private, max-age=86400";
        return TypedResults.PhysicalFile(picture.Path, picture.ContentType, lastModified: file.LastWriteTimeUtc, entityTag: etag);
    }

    private static async Task<Results<NoContent, NotFound>> DeleteAsync(long id, ClaimsPrincipal principal, EventPruner pruner, CancellationToken cancellationToken) =>
        await pruner.RemoveAsync(id, principal.GetRequiredUserId(), cancellationToken) ? TypedResults.NoContent() : TypedResults.NotFound();

    private static bool TryParseTime(string? text, out DateTimeOffset? time)
    {
        time = null;
        if (text is null)
        {
            return true;
        }

        if (text.Length > 64 || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
        {
            return false;
        }

        time = parsed.ToUniversalTime();
        return true;
    }
}
