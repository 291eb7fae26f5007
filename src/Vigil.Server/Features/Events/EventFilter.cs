namespace Vigil.Server.Features.Events;

/// <summary>
/// Which events to list. <see cref="OwnerId"/> scopes to one account (the API always sets it to
/// the signed-in user); <see cref="Before"/> is the paging cursor (an event id from
/// <see cref="EventPage.NextBefore"/>); newest first.
/// </summary>
internal sealed record EventFilter(
    Guid? OwnerId = null,
    Guid? CameraId = null,
    string? CameraName = null,
    string? Label = null,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    long? Before = null,
    int Limit = EventFilter.DefaultLimit)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;
}
