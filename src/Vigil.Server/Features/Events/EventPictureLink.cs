namespace Vigil.Server.Features.Events;

/// <summary>One picture of an event, as <c>/api/events/{EventId}/pictures/{Index}</c> serves it.</summary>
internal sealed record EventPictureLink(long EventId, int Index, PictureVariant Variant);
